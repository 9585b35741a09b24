package dev.baton.client;

import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.CreateResult;

/**
 * What an enqueue did: created a job, or found a duplicate (same id, or a held uniqueness key) and
 * named the existing job instead. A duplicate is a normal value, not an error.
 *
 * @param id the new job, or the existing job for a duplicate
 * @param state the state the new job entered, or the existing job's current state
 */
public record EnqueueResult(JobId id, boolean created, JobState state) {
  public static EnqueueResult created(JobId id, JobState state) {
    return new EnqueueResult(id, true, state);
  }

  public static EnqueueResult duplicate(JobId existingId, JobState state) {
    return new EnqueueResult(existingId, false, state);
  }

  static EnqueueResult of(CreateResult result) {
    return new EnqueueResult(result.id(), result.created(), result.state());
  }

  public boolean isDuplicate() {
    return !created;
  }
}
