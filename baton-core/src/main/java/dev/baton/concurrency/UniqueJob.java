package dev.baton.concurrency;

import java.time.Duration;
import java.util.Objects;

/**
 * A declared uniqueness rule: while a job holding the resolved key is queued (or running, or within
 * the TTL, per {@code hold}), creating another yields a duplicate result naming it. With a null
 * template the key is the job type plus the canonical JSON of the arguments.
 */
public record UniqueJob(String keyTemplate, Uniqueness.Hold hold, Duration ttl) {
  public UniqueJob {
    Objects.requireNonNull(hold, "hold");
    if (hold == Uniqueness.Hold.TTL && (ttl == null || ttl.isNegative() || ttl.isZero())) {
      throw new IllegalArgumentException("a TTL uniqueness rule needs a positive ttl, got " + ttl);
    }
  }

  /** Unique by type and arguments, held until the job finishes (the default). */
  public static UniqueJob byArguments() {
    return new UniqueJob(null, Uniqueness.Hold.UNTIL_FINISH, null);
  }

  /** Unique by a key template, held until the job finishes. */
  public static UniqueJob byKey(String keyTemplate) {
    return new UniqueJob(keyTemplate, Uniqueness.Hold.UNTIL_FINISH, null);
  }

  public UniqueJob heldUntilStart() {
    return new UniqueJob(keyTemplate, Uniqueness.Hold.UNTIL_START, null);
  }

  public UniqueJob heldFor(Duration ttl) {
    return new UniqueJob(keyTemplate, Uniqueness.Hold.TTL, ttl);
  }
}
