-- ready (the notification safety net, not an SPI operation): queues that have ENQUEUED jobs.
local out = {}
for _, q in ipairs(redis.call('SMEMBERS', P .. 'queues')) do
  if redis.call('ZCARD', Q(q)) > 0 then
    table.insert(out, q)
  end
end
return out
