-- locks: {name, owner, token, acquired, until, ...} of every lock held now.
local out = {}
for _, name in ipairs(redis.call('SMEMBERS', P .. 'locks')) do
  local v = redis.call('HMGET', P .. 'lk:' .. name, 'owner', 'tok', 'acq', 'until', 'rel')
  if v[4] and tonumber(v[4]) > NOW and v[5] ~= '1' then
    table.insert(out, {name, v[1], tonumber(v[2]), v[3], v[4]})
  end
end
return out
