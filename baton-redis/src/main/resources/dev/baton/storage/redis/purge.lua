-- purge: ARGV = max. Deletes jobs whose expiry has passed, with history and logs. Uniqueness keys
-- with a TTL expire by themselves. Returns how many jobs were removed.
local n = 0
for _, id in ipairs(redis.call('ZRANGEBYSCORE', EXP, '-inf', NOWS, 'LIMIT', 0, tonumber(ARGV[1]))) do
  local state = redis.call('HGET', J(id), 'state')
  if state then
    redis.call('ZREM', ST(state), id)
  end
  redis.call('DEL', J(id), P .. 'h:' .. id, P .. 'l:' .. id, P .. 'c:' .. id)
  redis.call('ZREM', EXP, id)
  n = n + 1
end
return n
