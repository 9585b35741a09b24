-- deregister: ARGV = serverId, reason. Removes the server; each job it still owns goes back to the
-- head of its queue as a release, and its previous runs end. Returns the released job ids.
local s = ARGV[1]
local out = X.takeBack(s, true, s, ARGV[2])
X.endPreviousRuns(s, 'server ' .. s .. ' deregistered (' .. ARGV[2] .. ')')
publish()
return out
