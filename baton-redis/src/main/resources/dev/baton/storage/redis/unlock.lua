-- unlock: ARGV = name, token, atLeast (us). The lock becomes free at max(now, acquired + atLeast).
local k = P .. 'lk:' .. ARGV[1]
local v = redis.call('HMGET', k, 'tok', 'rel', 'acq')
if v[1] ~= ARGV[2] or v[2] ~= '0' then
  return 0
end
local free = math.max(NOW, tonumber(v[3]) + tonumber(ARGV[3]))
redis.call('HSET', k, 'until', ts(free), 'rel', 1)
return 1
