-- servers: {id, host, queues, workers, started, beat, running, ...} of every registered server.
local out = {}
for _, s in ipairs(redis.call('ZRANGE', P .. 'servers', 0, -1)) do
  local v = redis.call('HMGET', P .. 'srv:' .. s, 'host', 'queues', 'workers', 'started', 'beat')
  table.insert(out, {s, v[1] or '', v[2] or '[]', v[3] or '0', v[4] or NOWS, v[5] or NOWS,
    redis.call('SCARD', P .. 'sj:' .. s)})
end
return out
