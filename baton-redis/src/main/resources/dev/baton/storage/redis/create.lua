-- create: ARGV = count, then count groups of NEWJOB fields (see RedisStorage#create).
-- Returns {id, created, state, ...}; every job or none (an unknown parent is an error).
local out, err = X.createJobs(2, tonumber(ARGV[1]))
if not out then
  return redis.error_reply('BATON_BAD_INPUT ' .. err)
end
flush()
publish()
return out
