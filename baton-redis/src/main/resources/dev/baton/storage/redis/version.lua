-- version (start-up check, not an SPI operation): runs TIME (in lib.lua) and returns the version.
local info = redis.call('INFO', 'server')
return string.match(info, 'redis_version:([%d%.]+)') or 'unknown'
