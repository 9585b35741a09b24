-- delete: ARGV = id, reason, retention (us), the states it may leave (comma-separated; empty:
-- any). Returns the state left, or false.
local j = load(ARGV[1])
if not j or j.state == 'DELETED' then
  return false
end
if ARGV[4] ~= '' and not string.find(',' .. ARGV[4] .. ',', ',' .. j.state .. ',', 1, true) then
  return false
end
local from = j.state
X.keepPreviousRun(j) -- a run it revokes on a live server keeps the permits until it ends
X.detach(j)
releaseUnique(j)
setState(j, 'DELETED')
history(j.id, 'DELETED', nil, nil, ARGV[2])
X.finalized(j, tonumber(ARGV[3]), from)
publish()
return from
