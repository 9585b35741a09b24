package dev.baton.storage;

import java.time.Instant;
import java.util.Objects;

/**
 * Counters of one job type in one minute (storage clock), kept by the storage so the dashboard's
 * history and per-type metrics never scan jobs. Servers add to them; a storage sums what it is
 * given.
 *
 * @param minute the start of the minute (seconds and below are zero)
 * @param type the job type
 * @param succeeded runs that ended SUCCEEDED
 * @param failed runs that ended FAILED for good
 * @param retried runs that failed and were scheduled to retry
 * @param runMillis the summed run time of those runs, milliseconds
 * @param waitMillis the summed time those runs waited between being enqueued and starting
 */
public record MinuteStats(
    Instant minute,
    String type,
    long succeeded,
    long failed,
    long retried,
    long runMillis,
    long waitMillis) {
  public MinuteStats {
    Objects.requireNonNull(minute, "minute");
    Objects.requireNonNull(type, "type");
    if (minute.getEpochSecond() % 60 != 0 || minute.getNano() != 0) {
      throw new IllegalArgumentException("minute must start a minute, got " + minute);
    }
  }

  /** The runs counted: succeeded, failed and retried. */
  public long runs() {
    return succeeded + failed + retried;
  }

  /** These counters plus {@code other}'s (same minute and type). */
  public MinuteStats plus(MinuteStats other) {
    return new MinuteStats(
        minute,
        type,
        succeeded + other.succeeded,
        failed + other.failed,
        retried + other.retried,
        runMillis + other.runMillis,
        waitMillis + other.waitMillis);
  }
}
