SET search_path = floor;
SET synchronous_commit = :sync;
WITH c AS (SELECT id FROM cur WHERE queue = 'default' AND state = 'ENQUEUED' ORDER BY queue_pos LIMIT 256 FOR UPDATE SKIP LOCKED),
u AS (UPDATE cur j SET state = 'PROCESSING', owner = 's1', token = token + 1, attempt = attempt + 1, state_at = now() FROM c WHERE j.id = c.id RETURNING j.id, j.type, j.args_json, j.meta_json),
h AS (INSERT INTO cur_history (job_id, state, at, server_id, reason) SELECT id, 'PROCESSING', now(), 's1', 'claimed' FROM u)
SELECT array_agg(id) AS ids FROM u \gset
WITH u AS (UPDATE cur SET state = 'SUCCEEDED', owner = NULL, state_at = now(), expire_at = now() + interval '1 day' WHERE id = ANY(':ids'::uuid[]) AND owner = 's1' RETURNING id)
INSERT INTO cur_history (job_id, state, at, server_id, reason) SELECT id, 'SUCCEEDED', now(), 's1', 'completed' FROM u;
