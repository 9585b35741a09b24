-- finish: ARGV = id, serverId, token, worker, outcome (S succeeded, R retry, P postponed, F failed,
-- D deleted, L released), reason, duration (us: retention or retry delay), exception type, message, stack.
-- Applied only under exactly this lease. Returns 1, or 0 when the lease is no longer held.
local ok = finishOne(ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9],
  ARGV[10])
renew(ARGV[2])
if #wokenNow > 0 then
  X.handOverWoken()
end
flush()
publish()
return ok
