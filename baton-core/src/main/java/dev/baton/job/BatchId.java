package dev.baton.job;

import java.util.Objects;
import java.util.UUID;

/**
 * A batch's identity: a UUID made by the client (time-ordered, as a {@link JobId}), so that it is
 * known before the batch is written and a continuation's arguments can carry it.
 */
public record BatchId(UUID value) {
  public BatchId {
    Objects.requireNonNull(value, "value");
  }

  /** A fresh, time-ordered id. */
  public static BatchId newId() {
    return new BatchId(JobId.newId().value());
  }

  /** The id whose {@link #toString()} is {@code text}; rejects anything that is not a UUID. */
  public static BatchId parse(String text) {
    try {
      return new BatchId(UUID.fromString(text));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("not a batch id: '" + text + "'", e);
    }
  }

  @Override
  public String toString() {
    return value.toString();
  }
}
