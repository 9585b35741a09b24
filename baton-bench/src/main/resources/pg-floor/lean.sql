SET search_path = floor;
SET synchronous_commit = :sync;
WITH c AS (DELETE FROM lean_queue WHERE (queue, pos) IN (SELECT queue, pos FROM lean_queue WHERE queue = 'default' ORDER BY pos LIMIT 256 FOR UPDATE SKIP LOCKED) RETURNING id),
r AS (INSERT INTO lean_lease SELECT id, 's1' FROM c),
u AS (UPDATE lean j SET state = 'PROCESSING', owner = 's1', token = token + 1, attempt = attempt + 1, state_at = now() FROM c WHERE j.id = c.id RETURNING j.id, j.type, j.args_json, j.meta_json)
SELECT array_agg(id) AS ids FROM u \gset
WITH d AS (DELETE FROM lean_lease WHERE id = ANY(':ids'::uuid[]) AND owner = 's1' RETURNING id)
UPDATE lean SET state = 'SUCCEEDED', owner = NULL, state_at = now(), expire_at = now() + interval '1 day' FROM d WHERE lean.id = d.id;
