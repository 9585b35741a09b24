-- Baton schema version 6 (H2): batches (docs/jobs.md, "Batches"). A batch's counts follow its
-- members' current states: a member's move into or out of SUCCEEDED, FAILED or DELETED changes
-- them in the same transaction, under this row's lock, and decides the AWAITING continuation.
CREATE TABLE baton_batches (
  id              UUID        PRIMARY KEY,
  total           INT         NOT NULL,
  succeeded       INT         NOT NULL,
  failed          INT         NOT NULL,
  deleted         INT         NOT NULL,
  continuation_id UUID,
  continue_on     VARCHAR(16),
  created_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
-- The batch a job is a member of, or NULL (the finish fast paths take only jobs without one).
ALTER TABLE baton_jobs ADD COLUMN batch_id UUID;
