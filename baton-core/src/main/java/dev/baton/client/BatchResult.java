package dev.baton.client;

import dev.baton.job.BatchId;
import dev.baton.job.JobId;
import java.util.List;

/**
 * What {@link BatchBuilder#enqueue()} created: the batch, its members in the order they were added,
 * and its continuation (null if it has none).
 */
public record BatchResult(BatchId batchId, List<JobId> jobIds, JobId continuationId) {
  public BatchResult {
    jobIds = List.copyOf(jobIds);
  }
}
