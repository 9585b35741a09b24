-- heartbeat: ARGV = serverId, host, queues (JSON), workers, then (jobId, token) pairs of the leases
-- the server believes it holds. Returns {seconds, micros, wasRegistered, revoked job ids...}.
local s = ARGV[1]
local known = redis.call('ZSCORE', P .. 'servers', s)
if not known then
  redis.call('HSET', P .. 'srv:' .. s, 'started', NOWS)
end
redis.call('HSET', P .. 'srv:' .. s, 'host', ARGV[2], 'queues', ARGV[3], 'workers', ARGV[4], 'beat', NOWS)
redis.call('ZADD', P .. 'servers', NOW, s)
-- Earlier versions kept an st:PROCESSING index; entries they left behind go once their job
-- has left PROCESSING (a few per beat; nothing reads that index any more).
for _, id in ipairs(redis.call('ZRANGE', ST('PROCESSING'), 0, 99)) do
  if redis.call('HGET', J(id), 'state') ~= 'PROCESSING' then
    redis.call('ZREM', ST('PROCESSING'), id)
  end
end
local out = {T[1], T[2], known and 1 or 0}
for i = 5, #ARGV, 2 do
  local v = redis.call('HMGET', J(ARGV[i]), 'state', 'owner', 'tok')
  if v[1] ~= 'PROCESSING' or v[2] ~= s or v[3] ~= ARGV[i + 1] then
    table.insert(out, ARGV[i])
  end
end
-- Revoked runs of this server that may still be in their handlers (X.previousRunsBeaten).
if redis.call('EXISTS', P .. 'pr:' .. s) == 1 then
  local listed = {}
  for i = 5, #ARGV, 2 do
    listed[ARGV[i]] = ARGV[i + 1]
  end
  X.previousRunsBeaten(s, listed)
  if #wokenNow > 0 then
    X.handOverWoken()
  end
  flush()
  publish()
end
return out
