package dev.baton.storage;

import dev.baton.job.BatchId;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import java.time.Instant;

/**
 * A batch as read back from a storage, in one read: its counts follow its members' current states
 * (see {@link BatchStorage}).
 *
 * @param total how many members it was created with
 * @param succeeded members SUCCEEDED now
 * @param failed members FAILED now
 * @param deleted members DELETED now
 * @param continuation the batch continuation, or null
 * @param continueOn with a continuation: when it starts; otherwise null
 * @param continuationState the continuation's state now, or null (none, or purged)
 */
public record BatchRecord(
    BatchId id,
    int total,
    int succeeded,
    int failed,
    int deleted,
    JobId continuation,
    ContinuationCondition continueOn,
    JobState continuationState,
    Instant createdAt) {

  /** Members not in a final state now. */
  public int pending() {
    return total - succeeded - failed - deleted;
  }
}
