package dev.baton.recurring;

import dev.baton.job.JobId;
import java.time.Instant;

/**
 * A recurring job as listed: its definition and where its schedule stands.
 *
 * @param nextFireAt the next occurrence not yet fired
 * @param lastFireAt the last occurrence fired, or null
 * @param lastJobId the job created (or found a duplicate) for it, or null
 */
public record RecurringJobInfo(
    RecurringJob definition,
    boolean paused,
    Instant nextFireAt,
    Instant lastFireAt,
    JobId lastJobId) {

  public String id() {
    return definition.id();
  }
}
