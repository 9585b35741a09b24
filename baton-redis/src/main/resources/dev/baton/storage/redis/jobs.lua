-- findJobs: ARGV = state (or ''), queue (or ''), type (or ''), offset, limit. Newest state change
-- first. Returns {total, {job hash, block info}, ...}. Filters scan the state index: dashboards only.
local state, queue, jtype = ARGV[1], ARGV[2], ARGV[3]
local offset, limit = tonumber(ARGV[4]), tonumber(ARGV[5])
local ids = {}
local total = 0
-- {id, score} of every job in state s; the score is when it entered that state.
local function members(s)
  if s == 'PROCESSING' then
    return X.processing()
  end
  local z = redis.call('ZRANGE', ST(s), 0, -1, 'WITHSCORES')
  local out = {}
  for i = 1, #z, 2 do
    out[#out + 1] = {z[i], tonumber(z[i + 1])}
  end
  return out
end
if state ~= '' and state ~= 'PROCESSING' and queue == '' and jtype == '' then
  total = redis.call('ZCARD', ST(state))
  ids = redis.call('ZREVRANGE', ST(state), offset, offset + limit - 1)
else
  local states = {state}
  if state == '' then
    states = {'SCHEDULED', 'ENQUEUED', 'AWAITING', 'BLOCKED', 'PROCESSING', 'SUCCEEDED', 'FAILED', 'DELETED'}
  end
  local all = {}
  for _, s in ipairs(states) do
    for _, m in ipairs(members(s)) do
      local keep = true
      if queue ~= '' or jtype ~= '' then
        local v = redis.call('HMGET', J(m[1]), 'queue', 'type')
        keep = (queue == '' or v[1] == queue) and (jtype == '' or v[2] == jtype)
      end
      if keep then
        table.insert(all, m)
      end
    end
  end
  table.sort(all, function(a, b)
    if a[2] ~= b[2] then
      return a[2] > b[2]
    end
    return a[1] > b[1]
  end)
  total = #all
  for i = offset + 1, math.min(offset + limit, #all) do
    table.insert(ids, all[i][1])
  end
end
local out = {total}
for _, id in ipairs(ids) do
  local h = redis.call('HGETALL', J(id))
  if #h > 0 then
    table.insert(out, {h, X.blockInfo(load(id))})
  end
end
return out
