package dev.baton.storage;

import dev.baton.state.JobState;

/**
 * Which jobs to list: optional state, queue and type filters, and a page window.
 *
 * @param limit 1..1000
 */
public record JobQuery(JobState state, String queue, String type, int offset, int limit) {
  public JobQuery {
    if (offset < 0) {
      throw new IllegalArgumentException("offset must not be negative, got " + offset);
    }
    if (limit < 1 || limit > 1000) {
      throw new IllegalArgumentException("limit must be 1..1000, got " + limit);
    }
  }

  public static JobQuery inState(JobState state, int limit) {
    return new JobQuery(state, null, null, 0, limit);
  }
}
