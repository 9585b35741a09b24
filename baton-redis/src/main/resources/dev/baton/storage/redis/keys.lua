-- concurrencyKeys: {permit, holders, used, waiters} of every key with holders or waiters.
local out = {}
local defs = redis.call('HGETALL', CK)
for i = 1, #defs, 2 do
  local key, def = defs[i], defs[i + 1]
  local p = cjson.decode(def)
  local holders = {}
  local used = 0
  if p[1] == 'S' then
    holders = redis.call('ZRANGE', P .. 'sh:' .. key, 0, -1)
    used = #holders
  else
    used = X.rateUsed(p)
  end
  local waiters = redis.call('LRANGE', P .. 'sw:' .. key, 0, -1)
  if #holders > 0 or #waiters > 0 or used > 0 then
    table.insert(out, {def, holders, used, waiters})
  end
end
return out
