-- find: ARGV = id, logs ('0': leave the log lines out, as job() does; else all of them).
-- Returns {job hash as a flat list, log lines, block info, history} or false.
local id = ARGV[1]
local h = redis.call('HGETALL', J(id))
if #h == 0 then
  return false
end
local j = load(id)
local logs = {}
if ARGV[2] ~= '0' then
  logs = redis.call('LRANGE', P .. 'l:' .. id, 0, -1)
end
return {h, logs, X.blockInfo(j), redis.call('GET', P .. 'h:' .. id) or ''}
