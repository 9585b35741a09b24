-- recurringJobs: every recurring job ordered by id, as {id, def, next, paused, last, lastJob}.
local out = {}
for _, id in ipairs(redis.call('ZRANGE', P .. 'rec', 0, -1)) do
  local v = redis.call('HMGET', P .. 'r:' .. id, 'def', 'next', 'paused', 'last', 'lastJob')
  if v[1] then
    table.insert(out, {id, v[1], v[2], v[3], v[4] or '', v[5] or ''})
  end
end
return out
