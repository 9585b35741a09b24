-- createbatch: ARGV = batch id, condition ('' without a continuation), member count, 1 if the
-- continuation follows the members (else 0), then the NEWJOB groups (see RedisStorage#create).
-- Returns create's {id, created, state, ...}: the batch record, its members and its continuation,
-- or nothing (an id that exists already is an error).
local bk = P .. 'b:' .. ARGV[1]
if redis.call('EXISTS', bk) == 1 then
  return redis.error_reply('BATON_BAD_INPUT batch ' .. ARGV[1] .. ' exists already')
end
local members, cont = tonumber(ARGV[3]), tonumber(ARGV[4])
local out, err = X.createJobs(5, members + cont, {id = ARGV[1], members = members})
if not out then
  return redis.error_reply('BATON_BAD_INPUT ' .. err)
end
local f = {'n', ARGV[3], 's', '0', 'f', '0', 'd', '0', 'at', NOWS}
if cont == 1 then
  f[#f + 1] = 'c'
  f[#f + 1] = A[5 + members * 15]
  f[#f + 1] = 'cond'
  f[#f + 1] = ARGV[2]
end
redis.call('HSET', bk, unpack(f))
flush()
publish()
return out
