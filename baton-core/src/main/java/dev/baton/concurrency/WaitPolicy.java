package dev.baton.concurrency;

import java.time.Duration;
import java.util.Objects;

/**
 * What a job does when a permit it needs is busy at claim time.
 *
 * <ul>
 *   <li>{@link Mode#WAIT} (default): park as BLOCKED, FIFO per key, and become ENQUEUED the moment
 *       the permit is released. With {@code maxWait}, a job parked longer than that is moved to
 *       {@code onTimeout} (FAILED or DELETED) with the reason.
 *   <li>{@link Mode#RESCHEDULE} (Hangfire-compatible): move to SCHEDULED {@code retryDelay} later;
 *       after {@code maxAttempts} blocked claims, DELETED with the reason "blocked by job X, all
 *       attempts exhausted".
 * </ul>
 */
public record WaitPolicy(
    Mode mode, Duration maxWait, TimeoutAction onTimeout, Duration retryDelay, int maxAttempts) {

  /** Park until the permit is free (default). */
  public static final WaitPolicy WAIT = new WaitPolicy(Mode.WAIT, null, null, null, 0);

  /** How a blocked job waits. */
  public enum Mode {
    WAIT,
    RESCHEDULE
  }

  /** Where a job goes when it waited too long. */
  public enum TimeoutAction {
    FAIL,
    DELETE
  }

  public WaitPolicy {
    Objects.requireNonNull(mode, "mode");
    if (mode == Mode.WAIT && maxWait != null) {
      if (maxWait.isNegative() || maxWait.isZero()) {
        throw new IllegalArgumentException("maxWait must be positive, got " + maxWait);
      }
      Objects.requireNonNull(onTimeout, "onTimeout");
    }
    if (mode == Mode.RESCHEDULE) {
      if (retryDelay == null || retryDelay.isNegative() || retryDelay.isZero()) {
        throw new IllegalArgumentException("retryDelay must be positive, got " + retryDelay);
      }
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
      }
    }
  }

  /** Park, but give up after {@code maxWait}, failing or deleting the job. */
  public static WaitPolicy waitAtMost(Duration maxWait, TimeoutAction onTimeout) {
    return new WaitPolicy(Mode.WAIT, maxWait, onTimeout, null, 0);
  }

  /**
   * Hangfire's behaviour: reschedule after {@code retryDelay}, delete after {@code maxAttempts}.
   */
  public static WaitPolicy reschedule(Duration retryDelay, int maxAttempts) {
    return new WaitPolicy(Mode.RESCHEDULE, null, null, retryDelay, maxAttempts);
  }
}
