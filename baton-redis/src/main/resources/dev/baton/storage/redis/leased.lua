-- leasedTo: ARGV = serverId. Every job PROCESSING under a lease of that server (claimed or handed
-- over), read from its lease set, each checked against its hash; rows as claim's. Changes nothing.
local s = ARGV[1]
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', SJ(s))) do
  local v = redis.call('HMGET', J(id), 'state', 'owner', 'tok', 'att', 'created', 'type', 'queue',
    'args', 'meta', 'max', 'parent', 'cond', 'conc', 'uk', 'uh', 'uttl')
  if v[1] == 'PROCESSING' and v[2] == s then
    local row = {id, tonumber(v[3]) or 0}
    for i = 4, #v do
      row[i - 1] = v[i] or ''
    end
    out[#out + 1] = row
  end
end
return out
