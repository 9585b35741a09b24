-- promote: ARGV = max. Due SCHEDULED jobs become ENQUEUED; rate-limited waiters are woken as far
-- as their windows allow; waiters parked past their max wait fail or are deleted. Returns the count.
local max = tonumber(ARGV[1])
local moved = 0
for _, id in ipairs(redis.call('ZRANGEBYSCORE', SCHED, '-inf', NOWS, 'LIMIT', 0, max)) do
  redis.call('ZREM', SCHED, id)
  local j = load(id)
  if j and j.state == 'SCHEDULED' then
    redis.call('HDEL', J(id), 'runAt')
    setState(j, 'ENQUEUED')
    toTail(j)
    history(id, 'ENQUEUED', nil, nil, 'due')
    moved = moved + 1
  end
end
if moved < max then
  for _, key in ipairs(redis.call('ZRANGEBYSCORE', RW, '-inf', NOWS, 'LIMIT', 0, max - moved)) do
    local def = redis.call('HGET', CK, key)
    if def then
      local p = cjson.decode(def)
      local room = p[3] - X.usedNow(p, nil)
      while moved < max and room > 0 and X.wakeIfFree(key) do
        moved = moved + 1
        room = room - 1
      end
    end
    if def and redis.call('LLEN', P .. 'sw:' .. key) > 0 then
      local p = cjson.decode(def)
      local used, wake = X.rateUsed(p)
      if used < p[3] then
        wake = NOW + 1000
      end
      redis.call('ZADD', RW, wake, key)
    else
      redis.call('ZREM', RW, key)
    end
  end
end
if moved < max then
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', DL, '-inf', NOWS, 'LIMIT', 0, max - moved)) do
    redis.call('ZREM', DL, id)
    local j = load(id)
    if j and j.state == 'BLOCKED' then
      local c = permits(j)
      local key = j.bk
      X.detach(j)
      local to = (c.to == 'D') and 'DELETED' or 'FAILED'
      setState(j, to)
      history(id, to, nil, nil, 'waited longer than ' .. c.mw .. ' ms for ' .. key)
      X.finalized(j, nil)
      moved = moved + 1
    end
  end
end
publish()
return moved
