-- Baton schema version 3 (H2): nothing to change. On PostgreSQL, version 3 makes the state index
-- partial (see postgres/V3__baton.sql). H2 has no partial indexes; its claim and promote indexes
-- (state, queue, queue_pos) and (state, run_at) lead with the state and return the rows in the
-- order the statements ask for, so no plan needs a sort of the whole queue.
SELECT 1;
