-- claim and claimOrOffer: ARGV = serverId, max, ttl (us; '' for a plain claim), queue... Leases up
-- to max ENQUEUED jobs, queues in the given order, FIFO in each, with the admission check of every
-- permit in this same script. Returns, per leased job: {id, token, attempt, created, type, queue,
-- args, meta, max, parent, cond, conc, uk, uh, uttl}; the row of a plain job (no parent, permits or
-- unique key) stops after max. With a ttl (claimOrOffer), the server's previous offer is replaced:
-- by an offer of the missing slots for the queues if fewer than max were leased (see offerFor),
-- else by none.
local server, max, ttl = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local FIRST_QUEUE = 4
local leased = {}
-- The same history line for every job this call leases (made on the first lease).
local claimed = nil

-- Leasing: one HSET (state, owner, token) and one APPEND (history) per job; the lease set and the
-- ENQUEUED index change for all leased jobs at once (flush); PROCESSING has no index but sj.
-- {@code row} is the job's row from index 3 on (PAYLOAD order).
-- {@code key} is the job's hash key, {@code previous} its token before this lease.
local function leaseRow(id, key, previous, row)
  local tok, tokText = nextToken(previous)
  later('SADD', SJ(server), id)
  later('ZREM', ST('ENQUEUED'), id)
  claimed = claimed or (entry('PROCESSING', server, nil, 'claimed') .. '\n')
  redis.call('APPEND', P .. 'h:' .. id, claimed)
  redis.call('HSET', key, 'state', 'PROCESSING', 'stateAt', NOWS, 'owner', server, 'tok', tokText)
  row[1] = id
  row[2] = tok
  leased[#leased + 1] = row
end

local function lease(j)
  if j.uh == 'UNTIL_START' then
    releaseUnique(j)
  end
  if j.wk or j.runAt then
    redis.call('HDEL', J(j.id), 'wk', 'runAt')
  end
  local row = {}
  local v = j.extra
  for i = 1, #v do
    row[i + 2] = v[i] or ''
  end
  leaseRow(j.id, J(j.id), j.tok, row)
  j.state = 'PROCESSING'
end

-- The hot path reads a job in one HMGET whose reply becomes its row: state and token first (then
-- replaced by id and new token), PAYLOAD, then what sends a job the long way (admit): permits, a
-- wake-up mark, a run time, or uniqueness held until start.
local FAST = {'state', 'tok', unpack(PAYLOAD)}
local WK, RUNAT = #FAST + 1, #FAST + 2
FAST[WK] = 'wk'
FAST[RUNAT] = 'runAt'
local CONC, UH = 12, 14

-- A plain job (pl, see createJobs) is read with HOT: the fields it has, so no lookup scans the
-- whole hash for a missing one; its row ends after max (the Java side reads the rest as empty).
local HOT = {'state', 'tok', 'att', 'created', 'type', 'queue', 'args', 'meta', 'max', 'pl', 'runAt'}
local PL, HOT_RUNAT = 10, 11

for qi = FIRST_QUEUE, #ARGV do
  local q = Q(ARGV[qi])
  while #leased < max do
    local popped = redis.call('ZPOPMIN', q, max - #leased)
    if #popped == 0 then
      break
    end
    for i = 1, #popped, 2 do
      local id = popped[i]
      local key = J(id)
      local v = redis.call('HMGET', key, unpack(HOT))
      if v[1] == 'ENQUEUED' and v[PL] == '1' and not v[HOT_RUNAT] then
        v[HOT_RUNAT] = nil
        v[PL] = nil
        leaseRow(id, key, v[2], v)
      elseif v[1] == 'ENQUEUED' then
        v = redis.call('HMGET', key, unpack(FAST))
        if nz(v[CONC]) or nz(v[WK]) or nz(v[RUNAT]) or v[UH] == 'UNTIL_START' then
          X.admit(load(id, PAYLOAD), server, lease)
        else
          v[WK] = nil
          v[RUNAT] = nil
          leaseRow(id, key, v[2], v)
        end
      end
    end
  end
  if #leased >= max then
    break
  end
end
renew(server)
if #leased > 0 then
  -- The servers whose lease sets list the PROCESSING jobs (X.processing).
  later('SADD', P .. 'sjs', server)
end

-- The offer. An idle server calls this again and again with the same queues: then the new offer
-- overwrites the previous one in place (a new expiry in the same zsets); otherwise the previous
-- one is taken back first. offers expires as a key with its latest offer (PEXPIREAT, in ms).
if ttl ~= '' then
  if #leased < max and tonumber(ttl) > 0 and #ARGV >= FIRST_QUEUE then
    local expiry = ts(NOW + tonumber(ttl))
    local queues = table.concat(ARGV, ',', FIRST_QUEUE)
    local ofr = P .. 'ofr:' .. server
    local previous = redis.call('HGET', ofr, 'q')
    if previous and previous ~= queues then
      withdraw(server)
    end
    for qi = FIRST_QUEUE, #ARGV do
      redis.call('ZADD', P .. 'of:' .. ARGV[qi], expiry, server)
    end
    redis.call('HSET', ofr, 'n', max - #leased, 'q', queues)
    redis.call('ZADD', P .. 'offers', expiry, server)
    local last = redis.call('ZRANGE', P .. 'offers', -1, -1, 'WITHSCORES')
    redis.call('PEXPIREAT', P .. 'offers', ts(math.ceil(tonumber(last[2]) / 1000)))
  else
    withdraw(server)
  end
end
flush()
publish()
return leased
