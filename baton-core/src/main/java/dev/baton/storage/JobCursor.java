package dev.baton.storage;

import dev.baton.job.JobId;
import java.time.Instant;
import java.util.Objects;

/**
 * A place in a newest-first job listing: the listing goes on with jobs whose (state time, id) comes
 * strictly before this one's. Opaque to callers; {@link #toString()} and {@link #parse} turn it
 * into a URL-safe token and back.
 *
 * @param stateAt the state time of the last job read
 * @param id the id of the last job read (ties on {@code stateAt} are ordered by id, descending)
 */
public record JobCursor(Instant stateAt, JobId id) {
  public JobCursor {
    Objects.requireNonNull(stateAt, "stateAt");
    Objects.requireNonNull(id, "id");
  }

  /** The cursor just after {@code record} in a newest-first listing. */
  public static JobCursor after(JobRecord record) {
    return new JobCursor(record.stateAt(), record.spec().id());
  }

  /** Whether {@code record} sorts strictly after this cursor (older, or same time and lower id). */
  public boolean isBefore(JobRecord record) {
    int c = record.stateAt().compareTo(stateAt);
    return c < 0 || (c == 0 && record.spec().id().compareTo(id) < 0);
  }

  /** A token such as {@code 1733500000123000000_0190c7…}: epoch nanos and the id. */
  @Override
  public String toString() {
    long nanos = stateAt.getEpochSecond() * 1_000_000_000L + stateAt.getNano();
    return nanos + "_" + id;
  }

  /** The cursor written by {@link #toString()}; rejects anything else with a clear message. */
  public static JobCursor parse(String token) {
    int cut = token == null ? -1 : token.indexOf('_');
    if (cut < 1) {
      throw new IllegalArgumentException("not a job cursor: '" + token + "'");
    }
    try {
      long nanos = Long.parseLong(token.substring(0, cut));
      Instant at =
          Instant.ofEpochSecond(
              Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
      return new JobCursor(at, JobId.parse(token.substring(cut + 1)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a job cursor: '" + token + "'", e);
    }
  }
}
