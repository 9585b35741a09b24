-- removeRecurring: ARGV = id. Returns 1 if it existed.
redis.call('ZREM', P .. 'rec', ARGV[1])
return redis.call('DEL', P .. 'r:' .. ARGV[1])
