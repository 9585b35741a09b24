package dev.baton.job;

import java.security.SecureRandom;
import java.util.Objects;
import java.util.UUID;

/**
 * A job's identity: a time-ordered UUID (version 7) made by the client, so a batch of jobs and
 * their continuations can be created in one storage round trip and new rows land at the end of
 * indexes.
 */
public record JobId(UUID value) implements Comparable<JobId> {
  private static final SecureRandom RANDOM = new SecureRandom();

  public JobId {
    Objects.requireNonNull(value, "value");
  }

  /** A fresh, time-ordered id. */
  public static JobId newId() {
    long millis = System.currentTimeMillis();
    long msb = (millis << 16) | 0x7000L | (RANDOM.nextInt() & 0x0FFFL);
    long lsb = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new JobId(new UUID(msb, lsb));
  }

  /** The id whose {@link #toString()} is {@code text}; rejects anything that is not a UUID. */
  public static JobId parse(String text) {
    try {
      return new JobId(UUID.fromString(text));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("not a job id: '" + text + "'", e);
    }
  }

  /** A deterministic id derived from a name (used for recurring occurrences: one id each). */
  public static JobId nameBased(String name) {
    return new JobId(
        UUID.nameUUIDFromBytes(name.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  @Override
  public int compareTo(JobId o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value.toString();
  }
}
