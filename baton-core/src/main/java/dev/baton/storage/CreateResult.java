package dev.baton.storage;

import dev.baton.job.JobId;
import dev.baton.state.JobState;

/**
 * The outcome of creating one job. A duplicate is a normal result, not an exception: either the id
 * already existed, or the job's uniqueness key was held by {@code id}.
 *
 * @param id the created job, or for a duplicate the existing job
 * @param state the state the created job entered, or the existing job's current state
 */
public record CreateResult(JobId id, boolean created, JobState state) {
  public static CreateResult created(JobId id, JobState state) {
    return new CreateResult(id, true, state);
  }

  public static CreateResult duplicate(JobId existing, JobState state) {
    return new CreateResult(existing, false, state);
  }

  public boolean isDuplicate() {
    return !created;
  }
}
