-- rescue: ARGV = timeout (us), rescuerId. Every server silent for longer than timeout is removed
-- and its PROCESSING jobs go to the head of their queues, attempt unchanged, permits released (and
-- reserved for their next runs: X.reserveForRescue). Never the rescuer, which is alive: it asks.
-- Returns {serverId, lastBeat (us), count, job ids..., ...}.
local rescuer = ARGV[2]
local out = {}
local dead = redis.call('ZRANGEBYSCORE', P .. 'servers', '-inf', '(' .. ts(NOW - tonumber(ARGV[1])), 'WITHSCORES')
for i = 1, #dead, 2 do
  local s, beat = dead[i], dead[i + 1]
  if s ~= rescuer then
    local why = 'rescued: server ' .. s .. ' stopped heartbeating'
    local moved = X.takeBack(s, false, rescuer, why, pubRevoked)
    X.endPreviousRuns(s, why)
    table.insert(out, s)
    table.insert(out, beat)
    table.insert(out, #moved)
    for _, id in ipairs(moved) do
      table.insert(out, id)
    end
  end
end
publish()
return out
