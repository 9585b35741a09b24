-- purge: ARGV = max. Deletes jobs whose expiry has passed, with history, logs and their index of
-- continuations (and their own entry in their parent's). Uniqueness keys with a TTL expire by
-- themselves; their entries in the held-key indexes (uqs, uqx) are removed here, as many as max.
-- Returns how many jobs were removed.
-- A job whose previous run still holds its permits (X.endPreviousRun) is purged a minute later
-- instead, so that the run's end still finds it.
local function postpone(id)
  local at = ts(NOW + 60000000)
  redis.call('ZADD', EXP, at, id)
  redis.call('HSET', J(id), 'exp', at)
end

local function remove(id, state, parent)
  if state then
    redis.call('ZREM', ST(state), id)
  end
  if parent and parent ~= '' then
    redis.call('ZREM', P .. 'kc:' .. parent, id)
  end
  redis.call('DEL', J(id), P .. 'h:' .. id, P .. 'l:' .. id, P .. 'c:' .. id, P .. 'kc:' .. id)
  redis.call('ZREM', EXP, id)
end

local n = 0
for _, id in ipairs(redis.call('ZRANGEBYSCORE', EXP, '-inf', NOWS, 'LIMIT', 0, tonumber(ARGV[1]))) do
  local v = redis.call('HMGET', J(id), 'state', 'parent', 'prs')
  if v[3] then
    postpone(id)
  else
    remove(id, v[1], v[2])
    n = n + 1
  end
end
for _, k in ipairs(redis.call('ZRANGEBYSCORE', P .. 'uqx', '-inf', NOWS, 'LIMIT', 0, tonumber(ARGV[1]))) do
  if redis.call('EXISTS', P .. 'uq:' .. k) == 0 then
    redis.call('ZREM', P .. 'uqs', k)
  end
  redis.call('ZREM', P .. 'uqx', k)
end
return n
