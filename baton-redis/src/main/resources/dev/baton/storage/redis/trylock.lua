-- tryLock: ARGV = name, owner, atMost (us). Returns {owner, token, acquired, until} or false.
local k = P .. 'lk:' .. ARGV[1]
local v = redis.call('HMGET', k, 'until')
if v[1] and tonumber(v[1]) > NOW then
  return false
end
local tok = redis.call('HINCRBY', k, 'tok', 1)
local untilAt = ts(NOW + tonumber(ARGV[3]))
redis.call('HSET', k, 'owner', ARGV[2], 'acq', NOWS, 'until', untilAt, 'rel', 0)
redis.call('SADD', P .. 'locks', ARGV[1])
return {ARGV[2], tok, NOWS, untilAt}
