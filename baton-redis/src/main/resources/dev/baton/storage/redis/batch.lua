-- batch: ARGV = batch id. Returns {members, succeeded, failed, deleted, created (us), continuation
-- id, condition, continuation state} ('' where none), or false for an unknown batch.
local v = redis.call('HMGET', P .. 'b:' .. ARGV[1], 'n', 's', 'f', 'd', 'at', 'c', 'cond')
if not v[1] then
  return false
end
local state = v[6] and redis.call('HGET', J(v[6]), 'state')
return {v[1], v[2], v[3], v[4], v[5], v[6] or '', v[7] or '', state or ''}
