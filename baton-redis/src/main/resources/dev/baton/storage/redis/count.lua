-- countByState: {state, count, ...} for every state.
local out = {}
for _, s in ipairs({'SCHEDULED', 'ENQUEUED', 'AWAITING', 'BLOCKED', 'PROCESSING', 'SUCCEEDED', 'FAILED', 'DELETED'}) do
  table.insert(out, s)
  if s == 'PROCESSING' then
    table.insert(out, #X.processing())
  else
    table.insert(out, redis.call('ZCARD', ST(s)))
  end
end
return out
