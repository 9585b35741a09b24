-- logs: ARGV = id, from (< 0: the tail), limit. A window of the job's log list l:<id> by index
-- (LRANGE walks from the nearer end, so a tail of a long log is cheap). Returns {total, first
-- index returned, lines}; an unknown job has total 0.
local id, from, limit = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
if redis.call('EXISTS', J(id)) == 0 then
  return {0, 0, {}}
end
local key = P .. 'l:' .. id
local total = redis.call('LLEN', key)
if from < 0 then
  from = math.max(0, total - limit)
end
if from >= total then
  return {total, from, {}}
end
return {total, from, redis.call('LRANGE', key, from, from + limit - 1)}
