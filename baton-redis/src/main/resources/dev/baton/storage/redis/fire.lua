-- fireRecurring: ARGV = id, expectedNextFire (us), newNextFire (us), count, then count NEWJOB groups.
-- Compare-and-set on the next fire time; creates the jobs in the same script. Returns {0} when
-- another server fired first, else {1, id, created, state, ...}.
local k = P .. 'r:' .. ARGV[1]
local v = redis.call('HMGET', k, 'next', 'paused')
if not v[1] or v[2] == '1' or v[1] ~= ARGV[2] then
  return {0}
end
local out, err = X.createJobs(5, tonumber(ARGV[4]))
if not out then
  return redis.error_reply('BATON_BAD_INPUT ' .. err)
end
redis.call('HSET', k, 'next', ARGV[3], 'last', ARGV[2])
if out[1] then
  redis.call('HSET', k, 'lastJob', out[1])
end
flush()
publish()
table.insert(out, 1, 1)
return out
