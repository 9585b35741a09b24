-- deregister: ARGV = serverId, reason. Removes the server; each job it still owns goes back to the
-- head of its queue as a release. Returns the released job ids.
local s = ARGV[1]
local out = {}
local jobs = {}
for _, id in ipairs(redis.call('SMEMBERS', P .. 'sj:' .. s)) do
  local j = load(id)
  if j and j.state == 'PROCESSING' and j.owner == s then
    redis.call('HDEL', J(id), 'owner')
    X.releasePermits(j, true)
    setState(j, 'ENQUEUED')
    history(id, 'ENQUEUED', s, nil, ARGV[2])
    table.insert(jobs, j)
  end
end
X.toHeadAll(jobs)
for _, j in ipairs(jobs) do
  table.insert(out, j.id)
end
redis.call('DEL', P .. 'sj:' .. s, P .. 'srv:' .. s)
redis.call('ZREM', P .. 'servers', s)
publish()
return out
