-- purge: ARGV = max. Deletes jobs whose expiry has passed, with history, logs and their index of
-- continuations (and their own entry in their parent's). Uniqueness keys with a TTL expire by
-- themselves; their entries in the held-key indexes (uqs, uqx) are removed here, as many as max.
-- Returns how many jobs were removed.
local n = 0
for _, id in ipairs(redis.call('ZRANGEBYSCORE', EXP, '-inf', NOWS, 'LIMIT', 0, tonumber(ARGV[1]))) do
  local v = redis.call('HMGET', J(id), 'state', 'parent')
  if v[1] then
    redis.call('ZREM', ST(v[1]), id)
  end
  if v[2] and v[2] ~= '' then
    redis.call('ZREM', P .. 'kc:' .. v[2], id)
  end
  redis.call('DEL', J(id), P .. 'h:' .. id, P .. 'l:' .. id, P .. 'c:' .. id, P .. 'kc:' .. id)
  redis.call('ZREM', EXP, id)
  n = n + 1
end
for _, k in ipairs(redis.call('ZRANGEBYSCORE', P .. 'uqx', '-inf', NOWS, 'LIMIT', 0, tonumber(ARGV[1]))) do
  if redis.call('EXISTS', P .. 'uq:' .. k) == 0 then
    redis.call('ZREM', P .. 'uqs', k)
  end
  redis.call('ZREM', P .. 'uqx', k)
end
return n
