-- rescue: ARGV = timeout (us), rescuerId. Every server silent for longer than timeout is removed
-- and its PROCESSING jobs go to the head of their queues, attempt unchanged, permits released.
-- Returns {serverId, lastBeat (us), count, job ids..., ...}.
local rescuer = ARGV[2]
local out = {}
local dead = redis.call('ZRANGEBYSCORE', P .. 'servers', '-inf', '(' .. ts(NOW - tonumber(ARGV[1])), 'WITHSCORES')
for i = 1, #dead, 2 do
  local s, beat = dead[i], dead[i + 1]
  local moved = {}
  local jobs = {}
  for _, id in ipairs(redis.call('SMEMBERS', P .. 'sj:' .. s)) do
    local j = load(id)
    if j and j.state == 'PROCESSING' and j.owner == s then
      redis.call('HDEL', J(id), 'owner')
      table.insert(pubRevoked, s .. '\n' .. id)
      X.releasePermits(j, false)
      setState(j, 'ENQUEUED')
      history(id, 'ENQUEUED', rescuer, nil, 'rescued: server ' .. s .. ' stopped heartbeating')
      table.insert(jobs, j)
    end
  end
  X.toHeadAll(jobs)
  for _, j in ipairs(jobs) do
    table.insert(moved, j.id)
  end
  redis.call('DEL', P .. 'sj:' .. s, P .. 'srv:' .. s)
  redis.call('ZREM', P .. 'servers', s)
  table.insert(out, s)
  table.insert(out, beat)
  table.insert(out, #moved)
  for _, id in ipairs(moved) do
    table.insert(out, id)
  end
end
publish()
return out
