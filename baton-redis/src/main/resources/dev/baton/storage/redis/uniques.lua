-- uniqueKeys: ARGV = limit. Held uniqueness keys in key order (byte order), from the index uqs
-- (every key set by create or requeue, score 0, so ZRANGE orders them by member); TTL holds are
-- also in uqx, by expiry. Entries whose key has gone (a TTL that ran out) are removed; holds of a
-- job that was purged count as free (as create sees them) and are skipped.
-- Returns {key, holder, until (us) or '', ...}.
local limit = tonumber(ARGV[1])
local out = {}
local pos, n, examined = 0, 0, 0
-- Bounded: entries of expired TTL holds are also removed by purgeExpired, so few are stale.
while n < limit and examined < limit + 10000 do
  local keys = redis.call('ZRANGE', P .. 'uqs', pos, pos + 99)
  if #keys == 0 then
    break
  end
  pos = pos + #keys
  for _, k in ipairs(keys) do
    examined = examined + 1
    local holder = redis.call('GET', P .. 'uq:' .. k)
    if not holder then
      redis.call('ZREM', P .. 'uqs', k)
      redis.call('ZREM', P .. 'uqx', k)
      pos = pos - 1
    elseif n < limit and redis.call('EXISTS', J(holder)) == 1 then
      out[#out + 1] = k
      out[#out + 1] = holder
      local untilAt = redis.call('ZSCORE', P .. 'uqx', k)
      out[#out + 1] = untilAt and ts(tonumber(untilAt)) or ''
      n = n + 1
    end
  end
end
return out
