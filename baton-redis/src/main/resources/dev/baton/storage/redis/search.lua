-- searchJobs: ARGV = state (or '' for all), queue, type, text (each '' for none), from, to (us,
-- from inclusive, to exclusive; '' for none), afterAt (us), afterId ('' with afterAt: every job
-- with a score below afterAt), limit, scanLimit.
-- Returns {nextAt or '', nextId or '', scanned, {job hash, block info}, ...}.
--
-- Candidates come from the st:<STATE> indexes newest first (score = when the job entered the state,
-- ties by id descending, which is how Redis orders equal scores when walked in reverse), read by
-- rank in chunks: every step is O(log n) plus what it returns, so a call reads at most scanLimit
-- candidates however big the index is. The cursor's place is found by rank too (ZREVRANK when the
-- cursor's job is still there at that score; otherwise ZCOUNT and a binary search among the jobs
-- that share its score), never by walking. PROCESSING has no index: its jobs are the lease sets
-- (X.processing), bounded by the workers of all servers. With no state, the sources are merged.
local state, queue, jtype, text = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local from, to = tonumber(ARGV[5]), tonumber(ARGV[6])
local afterAt, afterId = tonumber(ARGV[7]), ARGV[8]
local limit, scanLimit = tonumber(ARGV[9]), tonumber(ARGV[10])
if text ~= '' then
  text = string.lower(text)
end
local CHUNK = 256

-- Byte order, as Redis orders members of equal score (Lua's own < uses the locale's collation).
local function less(a, b)
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then
      return x < y
    end
  end
  return #a < #b
end

-- Whether candidate (score s, id) comes before candidate (t, jd), newest first.
local function newer(s, id, t, jd)
  if s ~= t then
    return s > t
  end
  return less(jd, id)
end

local scanned = 0
local states = {state}
if state == '' then
  states = {'SCHEDULED', 'ENQUEUED', 'AWAITING', 'BLOCKED', 'PROCESSING', 'SUCCEEDED', 'FAILED', 'DELETED'}
end
local merged = #states > 1
local sources = {}

-- A source walks one state's candidates newest first: src.id and src.score are its head (nil when
-- it has none left, or the scan budget is spent), src.pop() moves on, src.more() says whether any
-- candidate is left, read or not.
-- Heads are fields, not tables: a call may read 5,000 candidates, and each table is garbage.
local function zsetSource(s)
  local key = ST(s)
  local start = 0
  if to then
    start = redis.call('ZCOUNT', key, ts(to), '+inf')
  end
  if afterAt then
    local at = 0
    if afterId == '' then
      at = redis.call('ZCOUNT', key, ts(afterAt), '+inf')
    elseif tonumber(redis.call('ZSCORE', key, afterId)) == afterAt then
      at = redis.call('ZREVRANK', key, afterId) + 1
    else
      -- The cursor's job moved on: its place among the jobs of the same score, by bisection.
      local lo = redis.call('ZCOUNT', key, '(' .. ts(afterAt), '+inf')
      local hi = lo + redis.call('ZCOUNT', key, ts(afterAt), ts(afterAt))
      while lo < hi do
        local mid = math.floor((lo + hi) / 2)
        local m = redis.call('ZREVRANGE', key, mid, mid)[1]
        if m and less(m, afterId) then
          hi = mid
        else
          lo = mid + 1
        end
      end
      at = lo
    end
    start = math.max(start, at)
  end
  local stop
  if from then
    stop = redis.call('ZCOUNT', key, ts(from), '+inf')
  else
    stop = redis.call('ZCARD', key)
  end
  local src = {state = s}
  local pos, z, zi = start, {}, 1
  -- Scores only where sources are merged: alone, a source needs the score of the last candidate
  -- read only (lastScore), and formatting 5,000 scores would cost a fifth of the call.
  local step = merged and 2 or 1
  local function fill()
    local n = math.min(CHUNK, stop - pos, scanLimit - scanned)
    if n > 0 then
      if merged then
        z = redis.call('ZREVRANGE', key, pos, pos + n - 1, 'WITHSCORES')
      else
        z = redis.call('ZREVRANGE', key, pos, pos + n - 1)
      end
      pos = pos + n
      if #z < step * n then
        stop = pos
      end
    else
      z = {}
    end
    zi = 1
  end
  function src.pop()
    if zi > #z then
      fill()
    end
    src.id = z[zi]
    src.score = merged and src.id and tonumber(z[zi + 1]) or nil
    zi = zi + step
  end
  function src.scoreOf(id)
    return tonumber(redis.call('ZSCORE', key, id))
  end
  function src.more()
    return src.id ~= nil or zi <= #z or pos < stop
  end
  src.pop()
  return src
end

local function processingSource()
  local list = {}
  for _, m in ipairs(X.processing()) do
    local id, s = m[1], m[2]
    local keep = (not from or s >= from) and (not to or s < to)
    if keep and afterAt then
      keep = s < afterAt or (afterId ~= '' and s == afterAt and less(id, afterId))
    end
    if keep then
      list[#list + 1] = m
    end
  end
  table.sort(list, function(a, b) return newer(a[2], a[1], b[2], b[1]) end)
  local src = {state = 'PROCESSING'}
  local i = 0
  local scores = {}
  for _, m in ipairs(list) do
    scores[m[1]] = m[2]
  end
  function src.scoreOf(id)
    return scores[id]
  end
  function src.pop()
    i = i + 1
    local m = list[i]
    src.id, src.score = m and m[1], m and m[2]
  end
  function src.more()
    return src.id ~= nil or i < #list
  end
  src.pop()
  return src
end

for _, s in ipairs(states) do
  sources[#sources + 1] = s == 'PROCESSING' and processingSource() or zsetSource(s)
end

-- The filter: only the fields it looks at, with one HGET (one field) or HMGET per candidate; none
-- without filters. Built once, so the loop below does no more than it must per candidate.
local PJ = P .. 'j:'
local function argsMatch(id, args)
  return id == text or (args and string.find(string.lower(args), text, 1, true) ~= nil) or false
end
local check = nil
if queue ~= '' and jtype == '' and text == '' then
  check = function(id) return redis.call('HGET', PJ .. id, 'queue') == queue end
elseif jtype ~= '' and queue == '' and text == '' then
  check = function(id) return redis.call('HGET', PJ .. id, 'type') == jtype end
elseif text ~= '' and queue == '' and jtype == '' then
  check = function(id) return argsMatch(id, redis.call('HGET', PJ .. id, 'args')) end
elseif queue ~= '' or jtype ~= '' or text ~= '' then
  check = function(id)
    local v = redis.call('HMGET', PJ .. id, 'queue', 'type', 'args')
    return (queue == '' or v[1] == queue) and (jtype == '' or v[2] == jtype)
      and (text == '' or argsMatch(id, v[3]))
  end
end

local found = {}
local lastId, lastScore, lastSrc = nil, nil, nil
local one = #sources == 1 and sources[1] or nil
while #found < limit and scanned < scanLimit do
  local best = one
  if not one then
    for _, src in ipairs(sources) do
      if src.id and (not best or newer(src.score, src.id, best.score, best.id)) then
        best = src
      end
    end
  end
  if not best or not best.id then
    break
  end
  local id = best.id
  lastId, lastScore, lastSrc = id, best.score, best
  scanned = scanned + 1
  if not check or check(id) then
    found[#found + 1] = {id, best.state}
  end
  best.pop()
end
local more = false
for _, src in ipairs(sources) do
  if src.more() then
    more = true
    break
  end
end

local out = {'', '', scanned}
if more and lastId then
  out[1], out[2] = ts(lastScore or lastSrc.scoreOf(lastId)), lastId
end
for _, f in ipairs(found) do
  local h = redis.call('HGETALL', J(f[1]))
  -- A job whose hash went (or whose state moved) without its index entry is skipped.
  local j = {id = f[1]}
  for i = 1, #h, 2 do
    if h[i] == 'state' then
      j.state = h[i + 1]
    elseif h[i] == 'bk' then
      j.bk = nz(h[i + 1])
    end
  end
  if j.state == f[2] then
    out[#out + 1] = {h, X.blockInfo(j)}
  end
end
return out
