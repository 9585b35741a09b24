-- saveRecurring: ARGV = id, definition, nextFire (us), paused (1/0), lastFire (us or ''), lastJob.
local k = P .. 'r:' .. ARGV[1]
redis.call('DEL', k)
redis.call('HSET', k, 'id', ARGV[1], 'def', ARGV[2], 'next', ARGV[3], 'paused', ARGV[4])
if ARGV[5] ~= '' then
  redis.call('HSET', k, 'last', ARGV[5])
end
if ARGV[6] ~= '' then
  redis.call('HSET', k, 'lastJob', ARGV[6])
end
redis.call('ZADD', P .. 'rec', 0, ARGV[1])
return 1
