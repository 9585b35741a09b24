-- extendLock: ARGV = name, token, atMost (us). Returns {owner, token, acquired, until} or false.
local k = P .. 'lk:' .. ARGV[1]
local v = redis.call('HMGET', k, 'tok', 'rel', 'until', 'owner', 'acq')
if v[1] ~= ARGV[2] or v[2] ~= '0' or tonumber(v[3]) <= NOW then
  return false
end
local untilAt = ts(NOW + tonumber(ARGV[3]))
redis.call('HSET', k, 'until', untilAt)
return {v[4], tonumber(v[1]), v[5], untilAt}
