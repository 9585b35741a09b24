package dev.baton.stats;

import dev.baton.storage.MinuteStats;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;

/**
 * Run counters per minute (storage clock) and job type, in memory, until {@link #drain()} hands
 * them to the storage. Counting is a map look-up and a few atomic adds, with no allocation once a
 * type has been seen in the minute; safe from any thread.
 *
 * <p>Time: the storage's clock as an offset from this JVM's, learned from {@code storageClock} at
 * construction and at each {@link #syncClock()} (once a second), so the hot path reads only {@link
 * System#currentTimeMillis()}.
 */
public final class OutcomeCounters {
  /** How a counted run ended. */
  public enum Outcome {
    SUCCEEDED,
    FAILED,
    RETRIED
  }

  private static final int RUN_MILLIS = 3;
  private static final int WAIT_MILLIS = 4;
  private static final int SLOTS = 5;
  private static final long MINUTE_MILLIS = 60_000;

  private final Supplier<Instant> storageClock;
  private final Map<Long, Bucket> buckets = new ConcurrentHashMap<>();
  private volatile Bucket current = new Bucket(Long.MIN_VALUE);
  private volatile long offsetMillis;

  /** Counters on the storage clock that {@code storageClock} reads (cheaply: no round trip). */
  public OutcomeCounters(Supplier<Instant> storageClock) {
    this.storageClock = Objects.requireNonNull(storageClock, "storageClock");
    syncClock();
  }

  /** Learns the storage clock's offset again (it moves as heartbeats are answered). */
  public void syncClock() {
    offsetMillis = storageClock.get().toEpochMilli() - System.currentTimeMillis();
  }

  /** The storage's time now, epoch milliseconds, as this JVM estimates it. */
  public long nowMillis() {
    return System.currentTimeMillis() + offsetMillis;
  }

  /** Counts one run of {@code type} that ended as {@code outcome}, in the current minute. */
  public void add(String type, Outcome outcome, long runMillis, long waitMillis) {
    long minute = Math.floorDiv(nowMillis(), MINUTE_MILLIS);
    Bucket b = current;
    if (b.minute != minute) {
      b = bucket(minute);
    }
    AtomicLongArray c = b.counters(type);
    c.incrementAndGet(outcome.ordinal());
    if (runMillis > 0) {
      c.addAndGet(RUN_MILLIS, runMillis);
    }
    if (waitMillis > 0) {
      c.addAndGet(WAIT_MILLIS, waitMillis);
    }
  }

  private Bucket bucket(long minute) {
    Bucket b = buckets.computeIfAbsent(minute, Bucket::new);
    if (minute > current.minute) {
      current = b;
    }
    return b;
  }

  /**
   * Takes every count made since the last drain, as deltas for {@link
   * dev.baton.storage.StatsStorage#addStats}; empty when nothing ran. Minutes that ended more than
   * a minute ago are forgotten once drained.
   */
  public List<MinuteStats> drain() {
    long thisMinute = Math.floorDiv(nowMillis(), MINUTE_MILLIS);
    List<MinuteStats> deltas = new ArrayList<>();
    for (Bucket b : buckets.values()) {
      if (b.minute < thisMinute - 1) {
        buckets.remove(b.minute);
      }
      b.drainInto(deltas);
    }
    return deltas;
  }

  /** Puts back deltas that could not be written, so the next drain retries them. */
  public void restore(List<MinuteStats> deltas) {
    for (MinuteStats d : deltas) {
      AtomicLongArray c =
          buckets
              .computeIfAbsent(d.minute().toEpochMilli() / MINUTE_MILLIS, Bucket::new)
              .counters(d.type());
      c.addAndGet(Outcome.SUCCEEDED.ordinal(), d.succeeded());
      c.addAndGet(Outcome.FAILED.ordinal(), d.failed());
      c.addAndGet(Outcome.RETRIED.ordinal(), d.retried());
      c.addAndGet(RUN_MILLIS, d.runMillis());
      c.addAndGet(WAIT_MILLIS, d.waitMillis());
    }
  }

  /** One minute's counters by job type: succeeded, failed, retried, run and wait millis. */
  private static final class Bucket {
    final long minute;
    private final Map<String, AtomicLongArray> byType = new ConcurrentHashMap<>();

    Bucket(long minute) {
      this.minute = minute;
    }

    AtomicLongArray counters(String type) {
      AtomicLongArray c = byType.get(type);
      return c != null ? c : byType.computeIfAbsent(type, t -> new AtomicLongArray(SLOTS));
    }

    /** Each counter is taken and zeroed on its own, so no concurrent add is lost. */
    void drainInto(List<MinuteStats> deltas) {
      Instant at = Instant.ofEpochMilli(minute * MINUTE_MILLIS);
      for (Map.Entry<String, AtomicLongArray> e : byType.entrySet()) {
        AtomicLongArray c = e.getValue();
        long succeeded = c.getAndSet(Outcome.SUCCEEDED.ordinal(), 0);
        long failed = c.getAndSet(Outcome.FAILED.ordinal(), 0);
        long retried = c.getAndSet(Outcome.RETRIED.ordinal(), 0);
        long run = c.getAndSet(RUN_MILLIS, 0);
        long wait = c.getAndSet(WAIT_MILLIS, 0);
        if (succeeded != 0 || failed != 0 || retried != 0 || run != 0 || wait != 0) {
          deltas.add(new MinuteStats(at, e.getKey(), succeeded, failed, retried, run, wait));
        }
      }
    }
  }
}
