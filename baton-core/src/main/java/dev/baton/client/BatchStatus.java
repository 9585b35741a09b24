package dev.baton.client;

import dev.baton.job.BatchId;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.BatchRecord;
import dev.baton.storage.ContinuationCondition;
import java.time.Instant;

/**
 * A batch's progress, read in one storage step ({@link BatonClient#batchStatus}). The counts follow
 * the members' current states: a requeued member leaves the count of its final state.
 *
 * @param continuationId the batch continuation, or null if it has none
 * @param continuationState its state now (AWAITING until the batch releases it), or null
 */
public record BatchStatus(
    BatchId batchId,
    int total,
    int succeeded,
    int failed,
    int deleted,
    JobId continuationId,
    ContinuationCondition continueOn,
    JobState continuationState,
    Instant createdAt) {

  static BatchStatus of(BatchRecord r) {
    return new BatchStatus(
        r.id(),
        r.total(),
        r.succeeded(),
        r.failed(),
        r.deleted(),
        r.continuation(),
        r.continueOn(),
        r.continuationState(),
        r.createdAt());
  }

  /** Members not in a final state (SUCCEEDED, FAILED, DELETED) now. */
  public int pending() {
    return total - succeeded - failed - deleted;
  }

  /** Whether every member is in a final state now. */
  public boolean isFinished() {
    return pending() == 0;
  }
}
