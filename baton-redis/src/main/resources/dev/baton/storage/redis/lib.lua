-- lib.lua: helpers shared by every operation script. Each operation file runs after this file and
-- a call of begin(KEYS, ARGV): as ONE script (EVALSHA; lib.lua prepended), or, on Redis 7+, as one
-- function of the library that holds lib.lua once and every operation (FCALL). See LuaScripts.
--
-- KEYS[1] is the namespace prefix "{ns}:"; every key below starts with it, so all of a namespace
-- lives in one Redis Cluster hash slot. Times are microseconds since the epoch from Redis TIME,
-- never the caller's clock. Key layout: docs/redis.md.

-- Per call, set by begin(): the prefix, the clock (TIME reply, microseconds, as text), ARGV.
local P, T, NOW, NOWS, A
local SCHED, EXP, DL, RW, CK
-- Per call (a function library keeps its locals between calls): notifications, batched index
-- changes, decoded permits, expiry texts, field lists; for create's hand-overs: whether any offer
-- stands, the offer chosen per queue, queues that got an ENQUEUED job in this call; the jobs this
-- call woke (X.wakeJob), for X.handOverWoken.
local pubQueues, pubRevoked, pubHanded, batchList, batchOf, decoded, expiries, namesWith, quoted
local offersExist, offerOf, enqueuedNow, wokenNow

local function ts(n)
  return string.format('%.0f', n)
end

-- A lease token's successor: its number (for a reply) and its text (for HSET). A Lua number
-- given to redis.call is formatted with snprintf, which costs a claim more than its bookkeeping
-- does; tokens are small, so their texts are kept (in a function library, across calls).
local nextTokens = {}
local function nextToken(s)
  s = s or '0'
  local t = nextTokens[s]
  if not t then
    local n = (tonumber(s) or 0) + 1
    t = {n, ts(n)}
    if #s <= 3 then
      nextTokens[s] = t
    end
  end
  return t[1], t[2]
end

local function nz(v)
  if v == false or v == '' then
    return nil
  end
  return v
end

local function J(id) return P .. 'j:' .. id end
local function Q(q) return P .. 'q:' .. q end
-- Keys every job of a batch shares, built once per call.
local stKeys, sjKeys
local function cached(cache, kind, name)
  local k = cache[name]
  if not k then
    k = P .. kind .. name
    cache[name] = k
  end
  return k
end
local function ST(s) return cached(stKeys, 'st:', s) end
local function SJ(server) return cached(sjKeys, 'sj:', server) end

-- ---------------------------------------------------------------- notifications (sent at the end)
-- Revocations go first: a subscriber hears that its lease is gone before it hears that the same
-- job is claimable again, so it never mistakes its own new lease for the revoked one.
local function publish()
  for _, r in ipairs(pubRevoked) do
    redis.call('PUBLISH', P .. 'ch:revoked', r)
  end
  for _, h in ipairs(pubHanded) do
    redis.call('PUBLISH', P .. 'ch:handover', h)
  end
  for q, _ in pairs(pubQueues) do
    redis.call('PUBLISH', P .. 'ch:jobs', q)
  end
end

-- ---------------------------------------------------------------- offers (hand-over)
-- An idle server's offer (claimOrOffer, in claim.lua): ofr:<server> {n: slots left, q: its queues,
-- comma-separated (queue names have no comma)}, and the server in of:<queue> for each of them and
-- in offers, scored by the offer's expiry. offers also expires as a key with its last offer, so a
-- Redis where no offer stands costs create one EXISTS per call (offerFor).
local function withdraw(s)
  local k = P .. 'ofr:' .. s
  local qs = redis.call('HGET', k, 'q')
  if qs then
    for q in string.gmatch(qs, '[^,]+') do
      redis.call('ZREM', P .. 'of:' .. q, s)
    end
    redis.call('ZREM', P .. 'offers', s)
  end
  redis.call('DEL', k)
end

-- ---------------------------------------------------------------- proof of life
-- A claim or a finish proves its server alive: a registered server's last beat becomes now, as a
-- heartbeat would make it (XX: one declared dead is not registered again; its next heartbeat must
-- still tell it so). Once per call and server.
local function renew(s)
  if redis.call('ZADD', P .. 'servers', 'XX', 'GT', 'CH', NOW, s) == 1 then
    redis.call('HSET', P .. 'srv:' .. s, 'beat', NOWS)
  end
end

-- ---------------------------------------------------------------- batched index changes
-- The hot paths (claim, finishAll) change the same few sets for every job: those changes are
-- collected here and applied by flush() with one variadic call per key, before the script
-- returns. Only for members nothing else in the same script touches (a job just leased or just
-- succeeded), so the order does not matter.
local function later(cmd, key, a, b)
  local byKey = batchOf[cmd]
  if not byKey then
    byKey = {}
    batchOf[cmd] = byKey
  end
  local t = byKey[key]
  if not t then
    t = {cmd = cmd, key = key, n = 0}
    byKey[key] = t
    batchList[#batchList + 1] = t
  end
  local n = t.n + 1
  t[n] = a
  if b then
    n = n + 1
    t[n] = b
  end
  t.n = n
end

local function flush()
  for _, t in ipairs(batchList) do
    -- In slices: unpack is limited by the Lua stack; the slice is even, so ZADD pairs stay whole.
    for i = 1, t.n, 4000 do
      redis.call(t.cmd, t.key, unpack(t, i, math.min(t.n, i + 3999)))
    end
  end
  batchList = {}
  batchOf = {}
end

-- ---------------------------------------------------------------- job fields
local FIELDS = {'state', 'queue', 'conc', 'uk', 'uh', 'owner', 'bk', 'wk', 'seq', 'att', 'tok',
  'parent', 'cond', 'max', 'runAt', 'bn', 'created', 'kids', 'bt'}

-- What a worker needs of a job it is leased (claim's row from index 3 on, a hand-over's push), read
-- with load(id, PAYLOAD).
local PAYLOAD = {'att', 'created', 'type', 'queue', 'args', 'meta', 'max', 'parent', 'cond', 'conc',
  'uk', 'uh', 'uttl'}

-- The fields scripts decide on (not the payload), or nil if the job does not exist.
-- With {@code extra} field names, their raw values come back too, in j.extra (one HMGET).
local function load(id, extra)
  local names = FIELDS
  if extra then
    names = namesWith[extra]
    if not names then
      names = {unpack(FIELDS)}
      for _, f in ipairs(extra) do
        names[#names + 1] = f
      end
      namesWith[extra] = names
    end
  end
  local v = redis.call('HMGET', J(id), unpack(names))
  if not v[1] then
    return nil
  end
  local j = {id = id}
  for i, f in ipairs(FIELDS) do
    j[f] = nz(v[i])
  end
  if extra then
    j.extra = {}
    for i = 1, #extra do
      j.extra[i] = v[#FIELDS + i]
    end
  end
  return j
end

local function permits(j)
  if not j.conc then
    return nil
  end
  local c = decoded[j.conc]
  if not c then
    c = cjson.decode(j.conc)
    decoded[j.conc] = c
  end
  return c
end

-- A JSON string literal: plain text as is, anything that needs escaping through cjson. Memoized
-- per call: a batch repeats the same server, worker and reason texts job after job.
local function jstr(v)
  local q = quoted[v]
  if q then
    return q
  end
  if string.find(v, '[%c"\\/\128-\255]') then
    q = cjson.encode(v)
  else
    q = '"' .. v .. '"'
  end
  quoted[v] = q
  return q
end

-- One history line: JSON, no raw newlines (escaped), so lines join with '\n'. Built by hand: this
-- runs twice per job, and cjson.encode of a table costs more than the rest of the line together.
local function entry(state, server, worker, reason, et, em, es)
  if nz(server) and nz(worker) and nz(reason) and not nz(et) then
    -- A finish without an error, the most frequent line: one concatenation.
    return '{"s":"' .. state .. '","t":"' .. NOWS .. '","sv":' .. jstr(server) .. ',"w":' .. jstr(worker)
      .. ',"r":' .. jstr(reason) .. '}'
  end
  local e = '{"s":"' .. state .. '","t":"' .. NOWS .. '"'
  if nz(server) then e = e .. ',"sv":' .. jstr(server) end
  if nz(worker) then e = e .. ',"w":' .. jstr(worker) end
  if nz(reason) then e = e .. ',"r":' .. jstr(reason) end
  if nz(et) then
    e = e .. ',"et":' .. jstr(et) .. ',"em":' .. jstr(em or '') .. ',"es":' .. jstr(es or '')
  end
  return e .. '}'
end

-- History lives in its own string (h:<id>), appended to without reading it, so the job hash
-- stays small enough for Redis's compact encoding.
local function history(id, state, server, worker, reason, et, em, es)
  redis.call('APPEND', P .. 'h:' .. id, entry(state, server, worker, reason, et, em, es) .. '\n')
end

-- PROCESSING has no st: index: its jobs are the lease sets sj:<server> (see processing()), which
-- claim and every way out of PROCESSING keep anyway.
local function setState(j, to)
  if j.state and j.state ~= 'PROCESSING' then
    redis.call('ZREM', ST(j.state), j.id)
  end
  if to ~= 'PROCESSING' then
    redis.call('ZADD', ST(to), NOW, j.id)
  end
  redis.call('HSET', J(j.id), 'state', to, 'stateAt', NOWS)
  j.state = to
end

-- ---------------------------------------------------------------- queues
local function toTail(j)
  local seq = redis.call('INCR', P .. 'seq')
  redis.call('ZADD', Q(j.queue), seq, j.id)
  redis.call('HSET', J(j.id), 'seq', seq)
  j.seq = seq
  pubQueues[j.queue] = true
end

-- Held keys are also listed in uqs (uniqueKeys; score 0, so members sort by key), TTL holds in
-- uqx by expiry as well (their entries go in purge once the key has expired).
local function releaseUnique(j)
  if j.uk and j.uh ~= 'TTL' and redis.call('GET', P .. 'uq:' .. j.uk) == j.id then
    redis.call('DEL', P .. 'uq:' .. j.uk)
    redis.call('ZREM', P .. 'uqs', j.uk)
  end
end

-- Rarely needed helpers are defined on first use: creating ~30 closures on every call would cost
-- more than most operations themselves (the hot paths of claim and finish never need them).
local X = {}
local function defineRare()
  -- Back at its own place: ahead of every job enqueued after it.
  function X.toPlace(j)
    redis.call('ZADD', Q(j.queue), j.seq, j.id)
    pubQueues[j.queue] = true
  end

  -- At the head of the queue (release, rescue).
  function X.toHead(j)
    local score = tonumber(j.seq)
    local first = redis.call('ZRANGE', Q(j.queue), 0, 0, 'WITHSCORES')
    if first[2] and tonumber(first[2]) - 1 < score then
      score = tonumber(first[2]) - 1
    end
    redis.call('ZADD', Q(j.queue), score, j.id)
    pubQueues[j.queue] = true
  end

  -- Several jobs at the head, keeping their own order among themselves (rescue, deregister).
  function X.toHeadAll(list)
    table.sort(list, function(a, b) return tonumber(a.seq) > tonumber(b.seq) end)
    for _, j in ipairs(list) do
      X.toHead(j)
    end
  end

  -- Removes server s and takes each job it still owns back to the head of its queue, attempt
  -- unchanged (rescue, deregister). asRelease: permits go as for a Released finish (ON_FINAL ones
  -- kept); otherwise (rescue) all are freed and reserved for the job's next run
  -- (X.reserveForRescue). revoked: if given, each job's revocation is queued on it.
  -- Returns the ids of the jobs taken back.
  function X.takeBack(s, asRelease, actor, reason, revoked)
    local jobs = {}
    for _, id in ipairs(redis.call('SMEMBERS', P .. 'sj:' .. s)) do
      local j = load(id)
      if j and j.state == 'PROCESSING' and j.owner == s then
        redis.call('HDEL', J(id), 'owner')
        if revoked then
          table.insert(revoked, s .. '\n' .. id .. '\n' .. (j.tok or '0'))
        end
        if asRelease then
          X.releasePermits(j, true)
        else
          X.reserveForRescue(j)
        end
        setState(j, 'ENQUEUED')
        history(id, 'ENQUEUED', actor, nil, reason)
        table.insert(jobs, j)
      end
    end
    X.toHeadAll(jobs)
    local ids = {}
    for _, j in ipairs(jobs) do
      table.insert(ids, j.id)
    end
    withdraw(s)
    redis.call('DEL', P .. 'sj:' .. s, P .. 'srv:' .. s)
    redis.call('ZREM', P .. 'servers', s)
    redis.call('SREM', P .. 'sjs', s)
    return ids
  end

  -- Every PROCESSING job as {id, stateAt (number)}: the lease sets of the servers that leased
  -- jobs (sjs; and servers, for leases taken by a version that did not keep sjs), each job checked
  -- against its owner. Dashboards and counts only: bounded by the workers of all servers.
  function X.processing()
    local servers = {}
    for _, s in ipairs(redis.call('SMEMBERS', P .. 'sjs')) do
      servers[s] = true
    end
    for _, s in ipairs(redis.call('ZRANGE', P .. 'servers', 0, -1)) do
      servers[s] = true
    end
    local out = {}
    for s, _ in pairs(servers) do
      for _, id in ipairs(redis.call('SMEMBERS', P .. 'sj:' .. s)) do
        local v = redis.call('HMGET', J(id), 'state', 'owner', 'stateAt')
        if v[1] == 'PROCESSING' and v[2] == s then
          out[#out + 1] = {id, tonumber(v[3]) or 0}
        end
      end
    end
    return out
  end

  function X.schedule(j, at)
    redis.call('ZADD', SCHED, at, j.id)
    redis.call('HSET', J(j.id), 'runAt', ts(at))
  end

  -- ---------------------------------------------------------------- concurrency keys
  -- A permit is {kind, key, limit, windowMs}; kind S (semaphore), F (fixed rate), L (sliding rate).
  function X.rateUsed(p)
    local win = p[4] * 1000
    if p[1] == 'F' then
      local idx = math.floor(NOW / win)
      local used = tonumber(redis.call('GET', P .. 'rf:' .. p[2] .. ':' .. ts(idx)) or '0')
      return used, (idx + 1) * win
    end
    local z = P .. 'rs:' .. p[2]
    local used = redis.call('ZCOUNT', z, '(' .. ts(NOW - win), '+inf')
    local wake = NOW
    if used > 0 then
      local oldest = redis.call('ZRANGEBYSCORE', z, '(' .. ts(NOW - win), '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
      wake = tonumber(oldest[2]) + win
    end
    return used, wake
  end

  -- Woken waiters not yet claimed: each has a permit of its key promised (set sp:<key>), so a
  -- newcomer cannot take it first.
  function X.pending(key, except)
    local sp = P .. 'sp:' .. key
    local n = redis.call('SCARD', sp)
    if n > 0 and except and redis.call('SISMEMBER', sp, except) == 1 then
      n = n - 1
    end
    return n
  end

  function X.unpend(key, id)
    redis.call('SREM', P .. 'sp:' .. key, id)
  end

  -- Starts (rate) or holders (semaphore) now, counting promised permits.
  function X.usedNow(p, except)
    local used
    if p[1] == 'S' then
      used = redis.call('ZCARD', P .. 'sh:' .. p[2])
    else
      used = X.rateUsed(p)
    end
    return used + X.pending(p[2], except)
  end

  function X.capacityFree(p)
    return X.usedNow(p, nil) < p[3]
  end

  function X.takePermit(id, p)
    if p[1] == 'S' then
      redis.call('ZADD', P .. 'sh:' .. p[2], 'NX', NOW, id)
    elseif p[1] == 'F' then
      local win = p[4] * 1000
      local k = P .. 'rf:' .. p[2] .. ':' .. ts(math.floor(NOW / win))
      redis.call('INCR', k)
      redis.call('PEXPIRE', k, p[4] * 2 + 1000)
    else
      local k = P .. 'rs:' .. p[2]
      redis.call('ZREMRANGEBYSCORE', k, '-inf', ts(NOW - p[4] * 1000))
      redis.call('ZADD', k, NOW, id .. ':' .. NOWS)
      redis.call('PEXPIRE', k, p[4] + 1000)
    end
  end

  -- A parked job becomes ENQUEUED at its own place, marked as woken by {@code key}: it may then take
  -- that key's permit ahead of the line it just left.
  function X.wakeJob(id, key, why)
    local j = load(id)
    if not j or j.state ~= 'BLOCKED' or not j.bk then
      return false -- (no bk: it waits for its previous run, not for a permit)
    end
    redis.call('ZREM', DL, id)
    redis.call('HDEL', J(id), 'bk', 'bsince', 'bwake')
    redis.call('HSET', J(id), 'wk', key)
    redis.call('SADD', P .. 'sp:' .. key, id)
    setState(j, 'ENQUEUED')
    X.toPlace(j)
    history(id, 'ENQUEUED', nil, nil, why)
    wokenNow[#wokenNow + 1] = id
    return true
  end

  -- Wakes the first waiter of {@code key} if the key has room now. Returns whether it woke one.
  function X.wakeIfFree(key)
    local line = P .. 'sw:' .. key
    while true do
      local head = redis.call('LINDEX', line, 0)
      if not head then
        return false
      end
      local def = redis.call('HGET', CK, key)
      if not def or not X.capacityFree(cjson.decode(def)) then
        return false
      end
      redis.call('LPOP', line)
      if X.wakeJob(head, key, 'permit ' .. key .. ' is free') then
        return true
      end
    end
  end

  -- Gives back the semaphore permits {@code j} holds; all of them, or (onFinalKept) only when its
  -- release policy is ON_LEAVE_PROCESSING.
  function X.releasePermits(j, leavingOnly)
    local c = permits(j)
    if not c then
      return
    end
    if leavingOnly and c.rp == 'F' then
      return
    end
    for _, p in ipairs(c.p) do
      if p[1] == 'S' and redis.call('ZREM', P .. 'sh:' .. p[2], j.id) == 1 then
        X.wakeIfFree(p[2])
      end
    end
  end


  -- A rescued job's semaphore permits become promises to it (sp:<key>, as for a woken waiter; wk
  -- names the first): its next run takes them back at its next claim, ahead of the line, and no
  -- waiter is woken in its place only to find it first in line again, or to send it to the back.
  function X.reserveForRescue(j)
    local c = permits(j)
    if not c then
      return
    end
    for _, p in ipairs(c.p) do
      if p[1] == 'S' and redis.call('ZREM', P .. 'sh:' .. p[2], j.id) == 1 then
        redis.call('SADD', P .. 'sp:' .. p[2], j.id)
        if not j.wk then
          j.wk = p[2]
          redis.call('HSET', J(j.id), 'wk', p[2])
        end
      end
    end
  end

  -- Takes back every promise made to j (woken: its wake key; rescued: each semaphore it held);
  -- calls onEach(key) for each promise taken back.
  function X.unpendAll(j, onEach)
    local c = permits(j)
    if not c then
      if j.wk then
        X.unpend(j.wk, j.id)
      end
      return
    end
    for _, p in ipairs(c.p) do
      if redis.call('SREM', P .. 'sp:' .. p[2], j.id) == 1 and onEach then
        onEach(p[2])
      end
    end
  end

  -- Takes {@code j} out of wherever its current state keeps it (queue, schedule, waiter line, lease,
  -- expiry), releasing everything it holds. Its state index entry is left to setState.
  function X.detach(j)
    local s = j.state
    if s == 'ENQUEUED' then
      redis.call('ZREM', Q(j.queue), j.id)
    elseif s == 'SCHEDULED' then
      redis.call('ZREM', SCHED, j.id)
      redis.call('HDEL', J(j.id), 'runAt')
    elseif s == 'BLOCKED' then
      if j.bk then
        redis.call('LREM', P .. 'sw:' .. j.bk, 0, j.id)
        redis.call('ZREM', DL, j.id)
      end
      redis.call('HDEL', J(j.id), 'bk', 'bsince', 'bwake')
    elseif s == 'PROCESSING' then
      if j.owner then
        redis.call('SREM', P .. 'sj:' .. j.owner, j.id)
        table.insert(pubRevoked, j.owner .. '\n' .. j.id .. '\n' .. (j.tok or '0'))
      end
      redis.call('HDEL', J(j.id), 'owner')
    elseif s == 'SUCCEEDED' or s == 'FAILED' or s == 'DELETED' then
      redis.call('ZREM', EXP, j.id)
      redis.call('HDEL', J(j.id), 'exp')
    end
    if not X.previousRunOf(j) then
      X.releasePermits(j, false) -- else its previous run still holds them (X.endPreviousRun)
    end
    if j.wk then
      local wk = j.wk
      redis.call('HDEL', J(j.id), 'wk')
      X.unpendAll(j, function(key)
        if key ~= wk then
          X.wakeIfFree(key)
        end
      end)
      X.wakeIfFree(wk)
      j.wk = nil
    end
    if s == 'BLOCKED' and j.bk then
      X.wakeIfFree(j.bk)
    end
  end

  -- ---------------------------------------------------------------- previous runs
  -- A run outlives its state (JobStorage): a job deleted or requeued while its owner, still
  -- registered, runs it may still be in its handler, so that run keeps the job's permits until it
  -- ends (a refused finish under its lease, two beats of its server without it, the server's
  -- deregistration or rescue). On the job: prs (server), prt (fencing token), prm (beats in a row
  -- without it); pr:<server> lists the jobs with such a run there. A requeued job meanwhile waits
  -- BLOCKED without bk (in no key's line), then enters the tail of its queue.

  -- The job's previous run as {server, token}, or false; read once per job table.
  function X.previousRunOf(j)
    if j.pr == nil then
      local v = redis.call('HMGET', J(j.id), 'prs', 'prt')
      j.pr = v[1] and {v[1], v[2]} or false
    end
    return j.pr
  end

  -- Before j leaves PROCESSING by a delete or requeue: if its owner is registered, the run it
  -- revokes becomes j's previous run.
  function X.keepPreviousRun(j)
    if j.state ~= 'PROCESSING' or not j.owner
        or not redis.call('ZSCORE', P .. 'servers', j.owner) then
      return
    end
    local tok = j.tok or '0'
    redis.call('HSET', J(j.id), 'prs', j.owner, 'prt', tok, 'prm', 0)
    redis.call('SADD', P .. 'pr:' .. j.owner, j.id)
    j.pr = {j.owner, tok}
  end

  -- When a job waiting for its previous run was parked (kept across requeues), or nil.
  function X.waitingSince(j)
    if j.state == 'BLOCKED' and not j.bk and X.previousRunOf(j) then
      return redis.call('HGET', J(j.id), 'bsince')
    end
    return nil
  end

  -- A requeued job (detached) whose previous run still runs waits BLOCKED for it.
  function X.waitForPreviousRun(j, since, reason)
    local pr = X.previousRunOf(j)
    redis.call('HSET', J(j.id), 'bsince', since or NOWS)
    setState(j, 'BLOCKED')
    history(j.id, 'BLOCKED', nil, nil, reason .. '; waits for its previous run (fencing token '
      .. pr[2] .. ') on server ' .. pr[1] .. ' to end')
  end

  -- The previous run of job {@code id} ended ({@code why}): its permits are released, waking
  -- waiters, and the job, if it waits for that run, enters ENQUEUED at the tail of its queue.
  function X.endPreviousRun(id, why)
    local j = load(id)
    local pr = j and X.previousRunOf(j)
    if not pr then
      return
    end
    redis.call('HDEL', J(id), 'prs', 'prt', 'prm')
    redis.call('SREM', P .. 'pr:' .. pr[1], id)
    j.pr = false
    X.releasePermits(j, false)
    if j.state == 'BLOCKED' and not j.bk then
      redis.call('HDEL', J(id), 'bsince')
      setState(j, 'ENQUEUED')
      toTail(j)
      history(id, 'ENQUEUED', nil, nil, 'its previous run (fencing token ' .. pr[2] .. ') on server '
        .. pr[1] .. ' ended: ' .. why)
    end
  end

  -- A finish refused: if it came from the job's previous run, that run's handler has returned.
  -- Returns 0, the refused finish's reply.
  function X.refused(id, server, tok)
    local v = redis.call('HMGET', J(id), 'prs', 'prt')
    if v[1] == server and v[2] == tok then
      X.endPreviousRun(id, 'its handler returned')
    end
    return 0
  end

  -- A heartbeat of server s, listing (job id -> token) the leases it runs: a previous run there
  -- not listed in two beats in a row has ended (one miss may be a run just starting).
  function X.previousRunsBeaten(s, listed)
    for _, id in ipairs(redis.call('SMEMBERS', P .. 'pr:' .. s)) do
      local v = redis.call('HMGET', J(id), 'prs', 'prt')
      if v[1] ~= s then
        redis.call('SREM', P .. 'pr:' .. s, id) -- its job went (or its run ended) without it
      elseif listed[id] == v[2] then
        redis.call('HSET', J(id), 'prm', 0)
      elseif redis.call('HINCRBY', J(id), 'prm', 1) >= 2 then
        X.endPreviousRun(id, 'server ' .. s .. ' no longer runs it')
      end
    end
  end

  -- Server s is gone (deregistered, rescued): none of its previous runs runs on.
  function X.endPreviousRuns(s, why)
    for _, id in ipairs(redis.call('SMEMBERS', P .. 'pr:' .. s)) do
      X.endPreviousRun(id, why)
    end
    redis.call('DEL', P .. 'pr:' .. s)
  end

  function X.expire(j, retention)
    if retention then
      redis.call('ZADD', EXP, NOW + retention, j.id)
      redis.call('HSET', J(j.id), 'exp', ts(NOW + retention))
    end
  end

  -- ---------------------------------------------------------------- continuations
  function X.ready(j, why)
    local runAt = j.runAt and tonumber(j.runAt)
    if runAt and runAt > NOW then
      setState(j, 'SCHEDULED')
      X.schedule(j, runAt)
      history(j.id, 'SCHEDULED', nil, nil, why)
    else
      redis.call('HDEL', J(j.id), 'runAt')
      setState(j, 'ENQUEUED')
      toTail(j)
      history(j.id, 'ENQUEUED', nil, nil, why)
    end
  end

  -- Decides the continuations of a job that just reached a final state. Deleting a continuation
  -- decides its own continuations in turn (a work list, not recursion).
  function X.decideChildren(parentId, parentState, retention)
    local work = {{parentId, parentState}}
    while #work > 0 do
      local item = table.remove(work)
      local pid, pstate = item[1], item[2]
      local cset = P .. 'c:' .. pid
      for _, cid in ipairs(redis.call('SMEMBERS', cset)) do
        local c = load(cid)
        if c and c.state == 'AWAITING' then
          if pstate == 'SUCCEEDED' or c.cond == 'ON_ANY_FINAL' then
            redis.call('SREM', cset, cid)
            X.ready(c, 'parent ' .. pid .. ' is ' .. pstate)
          elseif pstate == 'DELETED' then
            redis.call('SREM', cset, cid)
            setState(c, 'DELETED')
            releaseUnique(c)
            X.expire(c, retention)
            history(cid, 'DELETED', nil, nil, 'parent ' .. pid .. ' was deleted')
            if c.kids then
              table.insert(work, {cid, 'DELETED'})
            end
          end
        elseif not c then
          redis.call('SREM', cset, cid)
        end
      end
      if pstate ~= 'FAILED' then
        redis.call('DEL', cset)
      end
    end
  end

  -- A job reached SUCCEEDED, FAILED or DELETED from state {@code from} (nil: not a final one).
  function X.finalized(j, retention, from)
    releaseUnique(j)
    X.expire(j, retention)
    if j.kids then
      X.decideChildren(j.id, j.state, retention)
    end
    if j.bt then
      X.batchMoved(j, from)
    end
  end

  -- ---------------------------------------------------------------- batches
  -- b:<batch> {n: members, s, f, d: members SUCCEEDED, FAILED, DELETED now, c: the continuation,
  -- cond, at}. A member (field bt) that enters or leaves a final state moves the counts in the same
  -- script, which then decides the AWAITING continuation (the rules of BatchRules, in Java).
  local COUNTED = {SUCCEEDED = 's', FAILED = 'f', DELETED = 'd'}
  local SYSTEM_RETENTION = 7 * 86400 * 1000000

  function X.batchMoved(j, from)
    local to = j.state
    if from == to or (not COUNTED[from] and not COUNTED[to]) then
      return
    end
    local bk = P .. 'b:' .. j.bt
    if redis.call('EXISTS', bk) == 0 then
      return
    end
    if COUNTED[from] then
      redis.call('HINCRBY', bk, COUNTED[from], -1)
    end
    if COUNTED[to] then
      redis.call('HINCRBY', bk, COUNTED[to], 1)
    end
    local v = redis.call('HMGET', bk, 'n', 's', 'f', 'd', 'c', 'cond')
    local c = v[5] and load(v[5])
    if not c or c.state ~= 'AWAITING' then
      return
    end
    local n, s, f, d = tonumber(v[1]), tonumber(v[2]), tonumber(v[3]), tonumber(v[4])
    if s == n or (v[6] == 'ON_ANY_FINAL' and s + f + d == n) then
      X.ready(c, 'batch ' .. j.bt .. ' finished: ' .. s .. ' succeeded, ' .. f .. ' failed, ' .. d
        .. ' deleted')
    elseif v[6] == 'ON_SUCCESS' and d > 0 then
      setState(c, 'DELETED')
      releaseUnique(c)
      X.expire(c, SYSTEM_RETENTION)
      history(c.id, 'DELETED', nil, nil, 'member ' .. j.id .. ' of batch ' .. j.bt .. ' was deleted')
      if c.kids then
        X.decideChildren(c.id, 'DELETED', SYSTEM_RETENTION)
      end
    end
  end

  -- ---------------------------------------------------------------- creation
  -- The server whose standing offer takes a new plain job of queue q, or nil: only while an offer
  -- stands at all (one EXISTS per call otherwise), and only if no other job is ENQUEUED in q (a
  -- hand-over never overtakes a waiting job). Remembered per queue for the call.
  -- Whether any offer stands: one EXISTS per call, remembered.
  local function anyOffer()
    if offersExist == nil then
      offersExist = redis.call('EXISTS', P .. 'offers') == 1
    end
    return offersExist
  end

  -- The first server whose offer covers queue q and has not expired, or false.
  local function firstOffer(q)
    return redis.call('ZRANGEBYSCORE', P .. 'of:' .. q, '(' .. NOWS, '+inf', 'LIMIT', 0, 1)[1] or false
  end

  local function offerFor(q)
    if not anyOffer() or enqueuedNow[q] then
      return nil
    end
    local s = offerOf[q]
    if s == nil then
      s = redis.call('ZCARD', Q(q)) == 0 and firstOffer(q)
      offerOf[q] = s
    end
    return s or nil
  end

  -- One slot of server s's offer is used; the offer is gone with its last slot.
  local function useSlot(s)
    if redis.call('HINCRBY', P .. 'ofr:' .. s, 'n', -1) <= 0 then
      withdraw(s)
      offerOf = {}
    end
  end

  -- A hand-over is pushed with its whole payload; larger jobs (args and meta, bytes) are not
  -- handed over but claimed, so a push stays small for every subscriber's buffer.
  local PUSH_MAX = 65536

  -- Reads {@code count} jobs of 15 arguments each from ARGV (A), starting at {@code at}; returns the flat
  -- results {id, created (1/0), state, ...}, or an error before writing anything.
  -- With {@code batch} ({id, members}): the jobs are its members, then its continuation, which
  -- enters AWAITING; an id that exists already refuses them all.
  local NEWJOB = 15
  function X.createJobs(at, count, batch)
    local inBatch = {}
    for i = 0, count - 1 do
      local b = at + i * NEWJOB
      local id, parent = A[b], A[b + 6]
      if parent ~= '' and not inBatch[parent] and redis.call('EXISTS', J(parent)) == 0 then
        return nil, 'unknown parent job ' .. parent .. ' of job ' .. id
      end
      if batch and redis.call('EXISTS', J(id)) == 1 then
        return nil, 'batch ' .. batch.id .. ': job ' .. id .. ' exists already'
      end
      inBatch[id] = true
    end
    local out = {}
    local seenQueues = {}
    -- Positions for the ENQUEUED jobs: one INCRBY for the rest of the batch when the first one
    -- needs it (unused numbers are gaps, which positions may have).
    local seqNext, seqLast = 0, -1
    for i = 0, count - 1 do
      local b = at + i * NEWJOB
      local id, queue, parent, cond = A[b], A[b + 2], A[b + 6], A[b + 7]
      local uk, uh, uttl, runAt, delay = A[b + 9], A[b + 10], A[b + 11], A[b + 12], A[b + 13]
      local existing = redis.call('HGET', J(id), 'state')
      local holder = nil
      if not existing and uk ~= '' then
        holder = redis.call('GET', P .. 'uq:' .. uk)
        if holder then
          existing = redis.call('HGET', J(holder), 'state')
          if not existing then
            holder = nil
          end
        end
      end
      if existing then
        table.insert(out, holder or id)
        table.insert(out, 0)
        table.insert(out, existing)
      else
        local due = nil
        if runAt ~= '' then
          due = tonumber(runAt)
        elseif delay ~= '' then
          due = NOW + tonumber(delay)
        end
        local reason = A[b + 14]
        local target = 'READY'
        if parent ~= '' then
          local ps = redis.call('HGET', J(parent), 'state')
          if ps == 'SUCCEEDED' or ((ps == 'FAILED' or ps == 'DELETED') and cond == 'ON_ANY_FINAL') then
            target = 'READY'
          elseif ps == 'DELETED' then
            target = 'DELETED'
            reason = reason .. ' (parent ' .. parent .. ' was deleted)'
          else
            target = 'AWAITING'
          end
        end
        if target == 'READY' then
          target = (due and due > NOW) and 'SCHEDULED' or 'ENQUEUED'
        end
        local member = batch and i < batch.members
        if batch and not member then
          target = 'AWAITING' -- the batch continuation: its batch's counts release it
        end
        -- A batch member goes the long way in claim and finish, which keep its batch's counts.
        local plain = parent == '' and A[b + 8] == '' and uk == '' and not batch
        -- Handed over (claimOrOffer): leased to the offering server as claim leases, in this step.
        local to = nil
        if target == 'ENQUEUED' and plain and #A[b + 3] + #A[b + 4] <= PUSH_MAX then
          to = offerFor(queue)
        end
        -- One HSET with everything, so a plain enqueue costs a handful of calls. The fields claim
        -- and finish look up first: a small hash is a list scanned from its head for each field.
        -- Texts, not numbers: redis.call formats a Lua number with snprintf.
        -- pl: a plain job (no parent, permits or unique key): claim and finish read a few fields
        -- only (HOT, and the lease in finish). Cleared when it gets continuations.
        local f = {'state', to and 'PROCESSING' or target, 'tok', to and '1' or '0', 'owner', to or '',
          'stateAt', NOWS, 'pl', plain and '1' or '0', 'att', '1', 'created', NOWS, 'type', A[b + 1],
          'queue', queue, 'max', A[b + 5], 'meta', A[b + 4], 'args', A[b + 3], 'id', id, 'prog', '0'}
        local function add(k, v)
          f[#f + 1] = k
          f[#f + 1] = v
        end
        local h = entry(target, nil, nil, reason) .. '\n'
        if to then
          h = h .. entry('PROCESSING', to, nil, 'handed over') .. '\n'
        end
        redis.call('SET', P .. 'h:' .. id, h)
        if member then
          add('bt', batch.id)
        end
        if parent ~= '' then
          add('parent', parent)
          add('cond', cond)
          -- Every continuation of the parent, by creation (continuations(); c: keeps the
          -- AWAITING ones only). Deleted with the parent's purge.
          redis.call('ZADD', P .. 'kc:' .. parent, NOWS, id)
        end
        if A[b + 8] ~= '' then
          add('conc', A[b + 8])
        end
        if uk ~= '' then
          add('uk', uk)
          add('uh', uh)
          if uttl ~= '' then
            add('uttl', uttl)
          end
        end
        if due and not to then
          add('runAt', ts(due))
        end
        if target == 'ENQUEUED' then
          if seqNext > seqLast then
            seqLast = redis.call('INCRBY', P .. 'seq', count - i)
            seqNext = seqLast - (count - i) + 1
          end
          local seq = ts(seqNext)
          seqNext = seqNext + 1
          add('seq', seq)
          if to then
            -- As claim's leaseRow, and the push carries the lease with the whole job (LeasedJob):
            -- a JSON header line [server, id, token, attempt, created, type, queue, max, meta],
            -- then the arguments as they are.
            later('SADD', SJ(to), id)
            later('SADD', P .. 'sjs', to)
            useSlot(to)
            pubHanded[#pubHanded + 1] = '[' .. jstr(to) .. ',' .. jstr(id) .. ',1,1,"' .. NOWS .. '",'
              .. jstr(A[b + 1]) .. ',' .. jstr(queue) .. ',' .. A[b + 5] .. ','
              .. jstr(A[b + 4]) .. ']\n' .. A[b + 3]
          else
            -- The queue and state index entries of a new job: nothing else in this script
            -- touches them, so they are written for the whole batch at once (flush).
            later('ZADD', Q(queue), seq, id)
            enqueuedNow[queue] = true
            pubQueues[queue] = true
          end
        elseif target == 'SCHEDULED' then
          redis.call('ZADD', SCHED, due, id)
        elseif target == 'AWAITING' and parent ~= '' then
          redis.call('SADD', P .. 'c:' .. parent, id)
          redis.call('HSET', J(parent), 'kids', 1, 'pl', 0)
        end
        redis.call('HSET', J(id), unpack(f))
        if not to then
          later('ZADD', ST(target), NOWS, id)
        end
        if not seenQueues[queue] then
          seenQueues[queue] = true
          redis.call('SADD', P .. 'queues', queue)
        end
        if uk ~= '' and target ~= 'DELETED' then
          if uttl ~= '' then
            redis.call('SET', P .. 'uq:' .. uk, id, 'PX', math.max(1, math.floor(tonumber(uttl) / 1000)))
            redis.call('ZADD', P .. 'uqx', ts(NOW + tonumber(uttl)), uk)
          else
            redis.call('SET', P .. 'uq:' .. uk, id)
            redis.call('ZREM', P .. 'uqx', uk)
          end
          redis.call('ZADD', P .. 'uqs', 0, uk)
        end
        table.insert(out, id)
        table.insert(out, 1)
        table.insert(out, to and 'PROCESSING' or target)
      end
    end
    return out
  end

  -- ---------------------------------------------------------------- admission (claim, hand-over)
  local function label(p)
    if p[1] == 'S' then
      return (p[3] == 1 and 'mutex ' or 'semaphore ') .. p[2]
    end
    return 'rate limit ' .. p[2]
  end

  -- Whether permit p is busy for job j; if so, also the holder to name and, for a rate, the wake
  -- time.
  local function busy(j, p)
    local key = p[2]
    local wake = nil
    if p[1] == 'S' then
      local sh = P .. 'sh:' .. key
      if redis.call('ZSCORE', sh, j.id) then
        return false
      end
      if X.usedNow(p, j.id) >= p[3] then
        return true, redis.call('ZRANGE', sh, 0, 0)[1] or redis.call('SRANDMEMBER', P .. 'sp:' .. key)
      end
    else
      local used, w = X.rateUsed(p)
      wake = w
      if used + X.pending(key, j.id) >= p[3] then
        return true, nil, wake
      end
    end
    if j.wk ~= key and redis.call('LLEN', P .. 'sw:' .. key) > 0
        and redis.call('SISMEMBER', P .. 'sp:' .. key, j.id) == 0 then
      local first = redis.call('LINDEX', P .. 'sw:' .. key, 0)
      if p[1] ~= 'S' then
        wake = NOW
      end
      return true, first, wake
    end
    return false
  end

  -- Job j, out of its queue, cannot have permit p: it waits in the key's line (BLOCKED), or, with
  -- the retry policy, is scheduled again or deleted. {@code server} is the one that tried to lease it.
  local function park(j, c, p, holder, wake, server)
    local key = p[2]
    local who = holder and (', held by job ' .. holder) or ''
    if p[1] ~= 'S' then
      who = holder and (', behind job ' .. holder) or ', window full'
    end
    if c.m == 'R' then
      local n = (tonumber(j.bn) or 0) + 1
      if n >= c.ma then
        setState(j, 'DELETED')
        redis.call('HDEL', J(j.id), 'bn')
        history(j.id, 'DELETED', server, nil, 'blocked by ' .. (holder and ('job ' .. holder) or label(p))
          .. ', all attempts exhausted')
        X.finalized(j, nil)
      else
        redis.call('HSET', J(j.id), 'bn', n)
        setState(j, 'SCHEDULED')
        X.schedule(j, NOW + c.rd * 1000)
        history(j.id, 'SCHEDULED', server, nil, 'blocked by ' .. (holder and ('job ' .. holder) or label(p))
          .. ', retry ' .. n .. ' of ' .. c.ma .. ' in ' .. c.rd .. ' ms')
      end
      return
    end
    local line = P .. 'sw:' .. key
    if j.wk == key then
      redis.call('LPUSH', line, j.id)
    else
      redis.call('RPUSH', line, j.id)
    end
    redis.call('HSET', J(j.id), 'bk', key, 'bsince', NOWS)
    if wake then
      redis.call('HSET', J(j.id), 'bwake', ts(wake))
      redis.call('ZADD', RW, 'LT', wake, key)
    end
    if c.mw and c.mw > 0 then
      redis.call('ZADD', DL, NOW + c.mw * 1000, j.id)
    end
    setState(j, 'BLOCKED')
    history(j.id, 'BLOCKED', server, nil, 'waiting for ' .. label(p) .. who)
  end

  -- The admission check of every permit of job j (ENQUEUED, already out of its queue) for
  -- {@code server}: takes them all and calls lease(j), or parks j on the first busy one.
  function X.admit(j, server, lease)
    local c = permits(j)
    if not c then
      lease(j)
      return
    end
    for _, p in ipairs(c.p) do
      redis.call('HSET', CK, p[2], cjson.encode(p))
    end
    for _, p in ipairs(c.p) do
      local b, holder, wake = busy(j, p)
      if b then
        local woken = j.wk
        if woken and redis.call('SISMEMBER', P .. 'sp:' .. p[2], j.id) == 1 then
          j.wk = p[2] -- promised this key too (a rescued job): it parks at the front of its line
        end
        park(j, c, p, holder, wake, server)
        redis.call('HDEL', J(j.id), 'wk')
        if woken then
          X.unpendAll(j, function(key)
            if key ~= p[2] then
              X.wakeIfFree(key)
            end
          end)
        end
        return
      end
    end
    if j.wk then
      X.unpendAll(j, nil)
    end
    for _, p in ipairs(c.p) do
      X.takePermit(j.id, p)
    end
    lease(j)
  end

  -- ---------------------------------------------------------------- hand-over of woken jobs
  -- A job woken by a released permit goes to an idle server the way a new plain job does: if a
  -- server's offer covers its queue and it is the head of that queue (it never overtakes), it is
  -- admitted and leased to that server in this same step and pushed there, so the next job of a
  -- mutex starts without a claim round trip (docs/redis.md, "Hand-over").
  local function handTo(j, s)
    if j.uh == 'UNTIL_START' then
      releaseUnique(j)
    end
    redis.call('HDEL', J(j.id), 'wk', 'runAt')
    local tok, tokText = nextToken(j.tok)
    redis.call('HSET', J(j.id), 'state', 'PROCESSING', 'stateAt', NOWS, 'owner', s, 'tok', tokText)
    redis.call('ZREM', ST('ENQUEUED'), j.id)
    history(j.id, 'PROCESSING', s, nil, 'handed over')
    later('SADD', SJ(s), j.id)
    later('SADD', P .. 'sjs', s)
    useSlot(s)
    local v = {}
    for i = 1, #PAYLOAD do
      v[i] = j.extra[i] or ''
    end
    -- create's header, then what a job with permits, a parent or a unique key also carries
    pubHanded[#pubHanded + 1] = '[' .. jstr(s) .. ',' .. jstr(j.id) .. ',' .. tok .. ',' .. v[1] .. ',"'
      .. v[2] .. '",' .. jstr(v[3]) .. ',' .. jstr(v[4]) .. ',' .. v[7] .. ',' .. jstr(v[6]) .. ','
      .. jstr(v[8]) .. ',' .. jstr(v[9]) .. ',' .. jstr(v[10]) .. ',' .. jstr(v[11]) .. ','
      .. jstr(v[12]) .. ',' .. jstr(v[13]) .. ']\n' .. v[5]
    j.state = 'PROCESSING'
  end

  local function handOverEach(woken)
    for _, id in ipairs(woken) do
      if not anyOffer() then
        return
      end
      local j = load(id, PAYLOAD)
      if j and j.state == 'ENQUEUED' and j.wk
          and #(j.extra[5] or '') + #(j.extra[6] or '') <= PUSH_MAX then
        local q = Q(j.queue)
        local s = redis.call('ZRANGE', q, 0, 0)[1] == id and firstOffer(j.queue)
        if s then
          redis.call('ZREM', q, id)
          X.admit(j, s, function(a) handTo(a, s) end)
          if redis.call('ZCARD', q) == 0 then
            pubQueues[j.queue] = nil
          end
        end
      end
    end
  end

  -- Every job woken so far in this call; one parked here on another permit may wake more.
  function X.handOverWoken()
    while #wokenNow > 0 do
      local woken = wokenNow
      wokenNow = {}
      handOverEach(woken)
    end
  end

  -- ---------------------------------------------------------------- reading
  function X.blockInfo(j)
    if j.state ~= 'BLOCKED' or not j.bk then
      return {}
    end
    local def = redis.call('HGET', CK, j.bk)
    local pos = redis.call('LPOS', P .. 'sw:' .. j.bk, j.id)
    local out = {def or '', pos and (pos + 1) or 0}
    for _, h in ipairs(redis.call('ZRANGE', P .. 'sh:' .. j.bk, 0, -1)) do
      table.insert(out, h)
    end
    return out
  end
end
-- lazy:begin (a function library, which has no setmetatable, defines them once when loaded)
setmetatable(X, {__index = function(t, name)
  setmetatable(t, nil)
  defineRare()
  local f = rawget(t, name)
  if not f then
    error('lib.lua has no helper ' .. name)
  end
  return f
end})
-- lazy:end

-- ---------------------------------------------------------------- finishing (finish, finishAll)
-- Leaves PROCESSING as the outcome says, only under exactly this lease (owner and token): kind S
-- succeeded, R retry, P postponed (a retry that spends no attempt), F failed, D deleted, L
-- released; dur is the retention or retry delay (us).
-- Returns 1, or 0 when the lease is no longer held. The caller publishes.
-- PROCESSING to SUCCEEDED under a lease already checked: state, owner and expiry in one HSET,
-- history in one APPEND, the index changes batched (flush).
local function succeed(id, key, server, worker, reason, dur)
  local atText = expiries[dur]
  if not atText then
    atText = ts(NOW + tonumber(dur))
    expiries[dur] = atText
  end
  later('SREM', SJ(server), id)
  later('ZADD', ST('SUCCEEDED'), NOWS, id)
  later('ZADD', EXP, atText, id)
  history(id, 'SUCCEEDED', server, worker, reason)
  redis.call('HSET', key, 'state', 'SUCCEEDED', 'stateAt', NOWS, 'owner', '', 'exp', atText)
end

-- What a plain success needs to know, in one HMGET: the lease, and whether anything else is due.
local FIN = {'state', 'owner', 'tok', 'conc', 'kids', 'uk', 'uh', 'bt'}

local function finishOne(id, server, tok, worker, kind, reason, dur, et, em, es)
  if kind == 'S' then
    -- The hot path reads only what it decides on, without building the job's table; permits and
    -- continuations go the long way. A plain job (pl, see createJobs) needs the lease only: a
    -- field a hash does not have costs a scan of the whole hash, so FIN is read for others only.
    local key = J(id)
    local v = redis.call('HMGET', key, 'state', 'owner', 'tok', 'pl')
    if v[1] ~= 'PROCESSING' or v[2] ~= server or v[3] ~= tok then
      return X.refused(id, server, tok)
    end
    if v[4] == '1' then
      succeed(id, key, server, worker, reason, dur)
      return 1
    end
    v = redis.call('HMGET', key, unpack(FIN))
    if v[1] ~= 'PROCESSING' or v[2] ~= server or v[3] ~= tok then
      return X.refused(id, server, tok)
    end
    if not nz(v[4]) and not nz(v[5]) and not nz(v[8]) then
      succeed(id, key, server, worker, reason, dur)
      if nz(v[6]) then
        releaseUnique({id = id, uk = v[6], uh = nz(v[7])})
      end
      return 1
    end
  end
  local j = load(id)
  if not j or j.state ~= 'PROCESSING' or j.owner ~= server or j.tok ~= tok then
    return X.refused(id, server, tok)
  end
  dur = tonumber(dur)
  if kind == 'S' then
    if j.conc then
      X.releasePermits(j, false)
    end
    succeed(j.id, J(j.id), server, worker, reason, dur)
    j.state = 'SUCCEEDED'
    releaseUnique(j)
    if j.kids then
      X.decideChildren(j.id, 'SUCCEEDED', dur)
    end
    if j.bt then
      X.batchMoved(j, 'PROCESSING')
    end
    return 1
  end
  redis.call('SREM', P .. 'sj:' .. server, j.id)
  redis.call('HDEL', J(j.id), 'owner')
  if kind == 'R' or kind == 'P' then
    X.releasePermits(j, true)
    if kind == 'R' then
      redis.call('HSET', J(j.id), 'att', tonumber(j.att) + 1)
    end
    setState(j, 'SCHEDULED')
    X.schedule(j, NOW + dur)
    history(j.id, 'SCHEDULED', server, worker, reason, et, em, es)
  elseif kind == 'F' then
    X.releasePermits(j, false)
    setState(j, 'FAILED')
    history(j.id, 'FAILED', server, worker, reason, et, em, es)
    X.finalized(j, nil)
  elseif kind == 'D' then
    X.releasePermits(j, false)
    setState(j, 'DELETED')
    history(j.id, 'DELETED', server, worker, reason, et, em, es)
    X.finalized(j, dur)
  else
    X.releasePermits(j, true)
    setState(j, 'ENQUEUED')
    X.toHead(j)
    history(j.id, 'ENQUEUED', server, worker, reason)
  end
  return 1
end

-- Every operation starts here: the namespace, the clock and empty per-call state.
local function begin(keys, args)
  P, A = keys[1], args
  T = redis.call('TIME')
  NOW = tonumber(T[1]) * 1000000 + tonumber(T[2])
  NOWS = ts(NOW)
  SCHED, EXP, DL, RW, CK = P .. 'sched', P .. 'exp', P .. 'dl', P .. 'rw', P .. 'ck'
  pubQueues, pubRevoked, pubHanded, batchList, batchOf, decoded, expiries = {}, {}, {}, {}, {}, {}, {}
  namesWith, quoted, stKeys, sjKeys = {}, {}, {}, {}
  offersExist, offerOf, enqueuedNow, wokenNow = nil, {}, {}, {}
end
