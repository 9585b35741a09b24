package dev.baton.storage;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A job to create, with when it should run. Exactly one of {@code runAt} and {@code delay} may be
 * set; a delay is measured on the storage's clock. A job with a parent starts AWAITING whatever its
 * schedule; otherwise it starts SCHEDULED if its run time is in the future, else ENQUEUED.
 *
 * @param reason why it was created, written into the first history entry
 */
public record NewJob(JobSpec spec, Instant runAt, Duration delay, String reason) {
  public NewJob {
    Objects.requireNonNull(spec, "spec");
    if (runAt != null && delay != null) {
      throw new IllegalArgumentException("give runAt or delay, not both");
    }
    if (delay != null && delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative, got " + delay);
    }
    reason = reason == null ? "" : reason;
  }

  public static NewJob now(JobSpec spec, String reason) {
    return new NewJob(spec, null, null, reason);
  }
}
