-- addStats: ARGV = groups of (minute (us), type, succeeded, failed, retried, runMillis,
-- waitMillis). Each minute is a hash sm:<minute> with the fields s|<type>, f|<type>, r|<type>,
-- rm|<type>, wm|<type> (the counter first, so a type may hold any character), every one of them
-- written for each type so a minute's rows are HLEN / 5; sms holds the minutes by time (range
-- reads, pruning). One script: all deltas or none (the arguments are checked before any write).
for i = 1, #ARGV, 7 do
  for k = 2, 6 do
    if not tonumber(ARGV[i + k]) or not tonumber(ARGV[i]) then
      return redis.error_reply('BATON_BAD_INPUT stats delta ' .. ((i - 1) / 7) .. ' is not numeric')
    end
  end
end
local COUNTERS = {'s|', 'f|', 'r|', 'rm|', 'wm|'}
for i = 1, #ARGV, 7 do
  local minute, jtype = ARGV[i], ARGV[i + 1]
  local key = P .. 'sm:' .. minute
  for k, c in ipairs(COUNTERS) do
    redis.call('HINCRBY', key, c .. jtype, ARGV[i + 1 + k])
  end
  redis.call('ZADD', P .. 'sms', minute, minute)
end
return 1
