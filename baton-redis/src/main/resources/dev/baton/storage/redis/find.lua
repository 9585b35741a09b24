-- find: ARGV = id. Returns {job hash as a flat list, log lines, block info, history} or false.
local id = ARGV[1]
local h = redis.call('HGETALL', J(id))
if #h == 0 then
  return false
end
local j = load(id)
return {h, redis.call('LRANGE', P .. 'l:' .. id, 0, -1), X.blockInfo(j), redis.call('GET', P .. 'h:' .. id) or ''}
