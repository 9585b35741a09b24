-- finish: ARGV = id, serverId, token, worker, outcome (S succeeded, R retry, F failed, D deleted,
-- L released), reason, duration (us: retention or retry delay), exception type, message, stack.
-- Applied only under exactly this lease. Returns 1, or 0 when the lease is no longer held.
local server, worker, kind, reason = ARGV[2], ARGV[4], ARGV[5], ARGV[6]
local j = load(ARGV[1])
if not j or j.state ~= 'PROCESSING' or j.owner ~= server or j.tok ~= ARGV[3] then
  return 0
end
local dur = tonumber(ARGV[7])
redis.call('SREM', P .. 'sj:' .. server, j.id)
if kind == 'S' then
  -- The hot path, in as few calls as possible: state, history, owner and expiry in one HSET.
  if j.conc then
    X.releasePermits(j, false)
  end
  enter(j, 'SUCCEEDED', {'owner', '', 'exp', ts(NOW + dur)}, server, worker, reason)
  redis.call('ZADD', EXP, NOW + dur, j.id)
  releaseUnique(j)
  if j.kids then
    X.decideChildren(j.id, 'SUCCEEDED', dur)
  end
  publish()
  return 1
end
redis.call('HDEL', J(j.id), 'owner')
if kind == 'R' then
  X.releasePermits(j, true)
  redis.call('HSET', J(j.id), 'att', tonumber(j.att) + 1)
  setState(j, 'SCHEDULED')
  X.schedule(j, NOW + dur)
  history(j.id, 'SCHEDULED', server, worker, reason, ARGV[8], ARGV[9], ARGV[10])
elseif kind == 'F' then
  X.releasePermits(j, false)
  setState(j, 'FAILED')
  history(j.id, 'FAILED', server, worker, reason, ARGV[8], ARGV[9], ARGV[10])
  X.finalized(j, nil)
elseif kind == 'D' then
  X.releasePermits(j, false)
  setState(j, 'DELETED')
  history(j.id, 'DELETED', server, worker, reason, ARGV[8], ARGV[9], ARGV[10])
  X.finalized(j, dur)
else
  X.releasePermits(j, true)
  setState(j, 'ENQUEUED')
  X.toHead(j)
  history(j.id, 'ENQUEUED', server, worker, reason)
end
publish()
return 1
