-- addServerEvent: ARGV = the event as JSON, how many to keep. The newest first in the list sev,
-- trimmed to the newest ones kept.
redis.call('LPUSH', P .. 'sev', ARGV[1])
redis.call('LTRIM', P .. 'sev', 0, tonumber(ARGV[2]) - 1)
return 1
