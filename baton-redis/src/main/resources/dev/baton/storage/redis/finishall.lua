-- finishAll: ARGV = groups of the 10 finish arguments, one per completion. Each is applied (or
-- refused) exactly as finish would; one script, one round trip, one prelude for the whole batch.
-- Returns {1 or 0, ...} in order.
local out = {}
local renewed = {}
for b = 1, #ARGV, 10 do
  if not renewed[ARGV[b + 1]] then
    renewed[ARGV[b + 1]] = true
    renew(ARGV[b + 1])
  end
  out[#out + 1] = finishOne(ARGV[b], ARGV[b + 1], ARGV[b + 2], ARGV[b + 3], ARGV[b + 4], ARGV[b + 5],
    ARGV[b + 6], ARGV[b + 7], ARGV[b + 8], ARGV[b + 9])
end
if #wokenNow > 0 then
  X.handOverWoken()
end
flush()
publish()
return out
