-- stats: ARGV = from, to (us; from inclusive, to exclusive). Returns {minute, flat hash, ...} of
-- every minute in the range that has counters (see addstats.lua), oldest first.
local out = {}
for _, m in ipairs(redis.call('ZRANGEBYSCORE', P .. 'sms', ARGV[1], '(' .. ARGV[2])) do
  out[#out + 1] = m
  out[#out + 1] = redis.call('HGETALL', P .. 'sm:' .. m)
end
return out
