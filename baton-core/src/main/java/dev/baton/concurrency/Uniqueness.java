package dev.baton.concurrency;

import java.time.Duration;
import java.util.Objects;

/**
 * A resolved uniqueness claim: while it is held, creating another job with the same {@code key}
 * yields a duplicate result naming the holder instead of a new job.
 *
 * @param key the resolved key, at most {@value Permit#MAX_KEY_LENGTH} characters
 * @param hold how long the key is held
 * @param ttl with {@link Hold#TTL}: how long after creation; otherwise null
 */
public record Uniqueness(String key, Hold hold, Duration ttl) {
  /** How long a uniqueness key is held. */
  public enum Hold {
    /** Until the job starts running (a second one may queue while the first runs). */
    UNTIL_START,
    /** Until the job reaches a final state (default). */
    UNTIL_FINISH,
    /** For a fixed time after creation, whatever the job does. */
    TTL
  }

  public Uniqueness {
    if (key == null || key.isEmpty() || key.length() > Permit.MAX_KEY_LENGTH) {
      throw new IllegalArgumentException(
          "unique key must be 1 to " + Permit.MAX_KEY_LENGTH + " characters, got '" + key + "'");
    }
    Objects.requireNonNull(hold, "hold");
    if (hold == Hold.TTL && (ttl == null || ttl.isNegative() || ttl.isZero())) {
      throw new IllegalArgumentException("unique key '" + key + "' needs a positive ttl");
    }
    if (hold != Hold.TTL) {
      ttl = null;
    }
  }
}
