-- pruneStats: ARGV = before (us). Drops the counters of every minute before it; returns how many
-- (minute, type) rows went.
local rows = 0
local minutes = redis.call('ZRANGEBYSCORE', P .. 'sms', '-inf', '(' .. ARGV[1])
for _, m in ipairs(minutes) do
  local key = P .. 'sm:' .. m
  rows = rows + math.floor(redis.call('HLEN', key) / 5)
  redis.call('DEL', key)
end
if #minutes > 0 then
  redis.call('ZREMRANGEBYSCORE', P .. 'sms', '-inf', '(' .. ARGV[1])
end
return rows
