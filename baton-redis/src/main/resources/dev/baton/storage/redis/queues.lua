-- queues: {queue, enqueued, blocked, processing, scheduled} for every queue with unfinished jobs.
local counts = {}
local names = redis.call('SMEMBERS', P .. 'queues')
table.sort(names)
for _, q in ipairs(names) do
  counts[q] = {redis.call('ZCARD', Q(q)), 0, 0, 0}
end
local processing = {}
for _, p in ipairs(X.processing()) do
  processing[#processing + 1] = p[1]
end
for i, s in ipairs({'BLOCKED', 'PROCESSING', 'SCHEDULED'}) do
  local ids = s == 'PROCESSING' and processing or redis.call('ZRANGE', ST(s), 0, -1)
  for _, id in ipairs(ids) do
    local q = redis.call('HGET', J(id), 'queue')
    if q and counts[q] then
      counts[q][i + 1] = counts[q][i + 1] + 1
    end
  end
end
local out = {}
for _, q in ipairs(names) do
  local c = counts[q]
  if c[1] + c[2] + c[3] + c[4] > 0 then
    table.insert(out, {q, c[1], c[2], c[3], c[4]})
  end
end
return out
