-- Baton schema version 5 (PostgreSQL): a run outlives its state (see JobStorage, "a run outlives its
-- state"). A job deleted or requeued while its live owner still runs it keeps its permits, and a
-- requeued one waits BLOCKED (with no blocked_key), until that previous run has ended. One row per
-- job at most: a job with a previous run is never PROCESSING. misses counts the owner's heartbeats
-- in a row that did not list the lease; the second one ends the run.
CREATE TABLE baton_previous_runs (
  job_id    UUID         PRIMARY KEY,
  server_id VARCHAR(200) NOT NULL,
  token     BIGINT       NOT NULL,
  misses    INT          NOT NULL,
  since     TIMESTAMPTZ NOT NULL
);
CREATE INDEX baton_previous_runs_server ON baton_previous_runs (server_id);
