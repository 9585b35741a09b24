-- continuations: ARGV = parent, limit. The jobs created as continuations of the parent, oldest
-- first (ties by id), from kc:<parent> (score = when each was created). Continuations created
-- before that index existed are found in c:<parent> (AWAITING ones only) and merged in.
-- Returns {{job hash, block info}, ...}.
local parent, limit = ARGV[1], tonumber(ARGV[2])
local z = redis.call('ZRANGE', P .. 'kc:' .. parent, 0, limit - 1, 'WITHSCORES')
local list, seen = {}, {}
for i = 1, #z, 2 do
  list[#list + 1] = {z[i], tonumber(z[i + 1])}
  seen[z[i]] = true
end
for _, id in ipairs(redis.call('SMEMBERS', P .. 'c:' .. parent)) do
  if not seen[id] and redis.call('ZSCORE', P .. 'kc:' .. parent, id) == false then
    list[#list + 1] = {id, tonumber(redis.call('HGET', J(id), 'created')) or 0}
  end
end
table.sort(list, function(a, b)
  if a[2] ~= b[2] then
    return a[2] < b[2]
  end
  return a[1] < b[1]
end)
local out = {}
for _, c in ipairs(list) do
  if #out >= limit then
    break
  end
  local h = redis.call('HGETALL', J(c[1]))
  if #h > 0 then
    out[#out + 1] = {h, X.blockInfo(load(c[1]))}
  end
end
return out
