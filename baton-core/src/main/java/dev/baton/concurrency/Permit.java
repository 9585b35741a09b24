package dev.baton.concurrency;

import java.time.Duration;
import java.util.Objects;

/**
 * One resolved concurrency permit a job needs before it may run, as stored with the job. Produced
 * from a {@link ConcurrencyLimit} by resolving its key template against the job's arguments.
 *
 * <ul>
 *   <li>{@link Kind#SEMAPHORE}: at most {@code limit} jobs holding {@code key} run at once (a mutex
 *       is a semaphore of 1). Taken at claim, released per the job's {@link ReleasePolicy}.
 *   <li>{@link Kind#RATE_FIXED}: at most {@code limit} starts per fixed window of {@code window}
 *       (windows aligned to the epoch, storage clock). Nothing is released; the window rolls.
 *   <li>{@link Kind#RATE_SLIDING}: at most {@code limit} starts in any span of {@code window}.
 * </ul>
 *
 * @param key the resolved key, e.g. {@code video:42}; 1 to {@value #MAX_KEY_LENGTH} characters
 * @param limit permits per key (semaphore) or starts per window (rate), at least 1
 * @param window the rate window; null for a semaphore
 */
public record Permit(Kind kind, String key, int limit, Duration window) {
  public static final int MAX_KEY_LENGTH = 255;

  /** What kind of limit a permit enforces. */
  public enum Kind {
    SEMAPHORE,
    RATE_FIXED,
    RATE_SLIDING
  }

  public Permit {
    Objects.requireNonNull(kind, "kind");
    if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
      throw new IllegalArgumentException(
          "permit key must be 1 to " + MAX_KEY_LENGTH + " characters, got '" + key + "'");
    }
    if (limit < 1) {
      throw new IllegalArgumentException("limit of '" + key + "' must be at least 1, got " + limit);
    }
    if (kind == Kind.SEMAPHORE && window != null) {
      throw new IllegalArgumentException("semaphore '" + key + "' takes no window");
    }
    if (kind != Kind.SEMAPHORE && (window == null || window.toMillis() < 1)) {
      throw new IllegalArgumentException(
          "rate limit '" + key + "' needs a window of at least 1 ms, got " + window);
    }
  }

  public static Permit mutex(String key) {
    return new Permit(Kind.SEMAPHORE, key, 1, null);
  }

  public static Permit semaphore(String key, int permits) {
    return new Permit(Kind.SEMAPHORE, key, permits, null);
  }

  public static Permit rateFixed(String key, int starts, Duration window) {
    return new Permit(Kind.RATE_FIXED, key, starts, window);
  }

  public static Permit rateSliding(String key, int starts, Duration window) {
    return new Permit(Kind.RATE_SLIDING, key, starts, window);
  }

  public boolean isRate() {
    return kind != Kind.SEMAPHORE;
  }
}
