package dev.baton.storage;

import dev.baton.job.JobId;
import java.time.Instant;
import java.util.Objects;

/**
 * A recurring job as stored. The storage interprets only the id, the next fire time and the paused
 * flag; {@code definitionJson} (cron, time zone, job template, policies) belongs to the core.
 *
 * @param nextFireAt the next occurrence not yet fired; the compare-and-set value of {@link
 *     JobStorage#fireRecurring}
 * @param lastFireAt the last occurrence fired, or null
 * @param lastJobId the job created for it, or null
 */
public record RecurringRecord(
    String id,
    String definitionJson,
    Instant nextFireAt,
    boolean paused,
    Instant lastFireAt,
    JobId lastJobId) {
  public RecurringRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(definitionJson, "definitionJson");
    Objects.requireNonNull(nextFireAt, "nextFireAt");
  }
}
