-- requeue: ARGV = id, reason. Returns the state left, or false.
local j = load(ARGV[1])
if not j or j.state == 'ENQUEUED' then
  return false
end
local from = j.state
X.keepPreviousRun(j) -- a run it revokes on a live server keeps the permits until it ends
local since = X.waitingSince(j)
X.detach(j)
redis.call('HDEL', J(j.id), 'runAt', 'bn')
redis.call('HSET', J(j.id), 'att', 1)
if j.uk and j.uh ~= 'TTL' and not redis.call('GET', P .. 'uq:' .. j.uk) then
  redis.call('SET', P .. 'uq:' .. j.uk, j.id)
  redis.call('ZREM', P .. 'uqx', j.uk)
  redis.call('ZADD', P .. 'uqs', 0, j.uk)
end
if X.previousRunOf(j) then
  -- Never two runs of one job at once: it enters its queue once that run has ended.
  X.waitForPreviousRun(j, since, ARGV[2])
else
  setState(j, 'ENQUEUED')
  toTail(j)
  history(j.id, 'ENQUEUED', nil, nil, ARGV[2])
end
if j.bt then
  X.batchMoved(j, from) -- a finished member is pending again
end
publish()
return from
