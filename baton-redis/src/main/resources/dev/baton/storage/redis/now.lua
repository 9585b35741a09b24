-- now: the storage clock, Redis TIME, as {seconds, microseconds}.
return T
