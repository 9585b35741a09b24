-- serverEvents: ARGV = limit. The newest server events (JSON), newest first.
return redis.call('LRANGE', P .. 'sev', 0, tonumber(ARGV[1]) - 1)
