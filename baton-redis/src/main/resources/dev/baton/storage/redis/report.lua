-- report: ARGV = id, serverId, token, progress ('' to leave it), then (at us, level, message)
-- triples. Applied only under exactly this lease. Returns 1, or 0 when the lease is not held.
local j = load(ARGV[1])
if not j or j.state ~= 'PROCESSING' or j.owner ~= ARGV[2] or j.tok ~= ARGV[3] then
  return 0
end
if ARGV[4] ~= '' then
  redis.call('HSET', J(j.id), 'prog', ARGV[4])
end
for i = 5, #ARGV, 3 do
  redis.call('RPUSH', P .. 'l:' .. j.id, cjson.encode({t = ARGV[i], l = ARGV[i + 1], m = ARGV[i + 2]}))
end
return 1
