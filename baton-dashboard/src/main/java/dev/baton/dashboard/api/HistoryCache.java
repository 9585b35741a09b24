package dev.baton.dashboard.api;

import dev.baton.dashboard.api.HistoryApi.Range;
import dev.baton.storage.MinuteStats;
import dev.baton.storage.StatsStorage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The history's summed steps, kept per range so a request reads only the newest minutes: a week is
 * 10,080 minutes times the job types, which took seconds to read from Redis on every call. Steps
 * that ended more than {@link #SETTLED} ago are summed once and kept; each read asks the storage
 * only for the minutes from the end of the newest kept step to the end of the range (for 1h about 3
 * minutes, for 24h 10 to 12, for 7d 60 to 62). At most one range of steps is kept per range (60 +
 * 144 + 168), each holding a sum per job type. Thread-safe: each range has its own lock, held while
 * its storage read runs, so concurrent callers of one range read once.
 *
 * <p>A counter written more than {@link #SETTLED} after its minute ended is missed by a step
 * already kept (it shows after a restart of the dashboard).
 */
final class HistoryCache {
  /**
   * How long after a step ends its counters are taken as complete. Servers write theirs every
   * second, so a few seconds would do for one clock; two minutes also cover a server whose clock is
   * behind the storage's, or whose writes failed and were retried, for the cost of reading two more
   * minutes per call.
   */
  static final Duration SETTLED = Duration.ofMinutes(2);

  private final StatsStorage stats;
  private final Supplier<Instant> clock;
  private final Map<Range, Series> series = new EnumMap<>(Range.class);

  HistoryCache(StatsStorage stats, Supplier<Instant> clock) {
    this.stats = stats;
    this.clock = clock;
    for (Range r : Range.values()) {
      series.put(r, new Series(r));
    }
  }

  /** The steps of {@code range} as of the storage's clock now. */
  Window read(Range range) {
    return series.get(range).read(clock.get());
  }

  /**
   * The steps of {@code range} at {@code now} from one read of every minute: what every call did
   * before the cache, and what it must still answer.
   */
  static Window uncached(StatsStorage stats, Range range, Instant now) {
    long step = range.step.toMillis();
    long end = end(range, now);
    long start = end - range.span.toMillis();
    List<Map<String, MinuteStats>> rows =
        sum(stats.stats(Instant.ofEpochMilli(start), Instant.ofEpochMilli(end)), start, end, step);
    return new Window(Instant.ofEpochMilli(start), rows);
  }

  /** {@code range}'s steps with no counters, for a storage without statistics. */
  static Window empty(Range range, Instant now) {
    long end = end(range, now);
    int count = (int) (range.span.toMillis() / range.step.toMillis());
    return new Window(
        Instant.ofEpochMilli(end - range.span.toMillis()),
        Collections.nCopies(count, Map.<String, MinuteStats>of()));
  }

  /**
   * A range's steps, oldest first: per step, the counters of each type summed (a type appears in a
   * step only when the storage has a row of it there).
   *
   * @param start the start of the first step
   */
  record Window(Instant start, List<Map<String, MinuteStats>> steps) {}

  /** The end of the range's last step: the end of the step holding {@code now}. */
  private static long end(Range range, Instant now) {
    long step = range.step.toMillis();
    return Math.floorDiv(now.toEpochMilli(), step) * step + step;
  }

  /** Sums {@code rows}, minutes in {@code [from, to)}, into one map per step of that span. */
  private static List<Map<String, MinuteStats>> sum(
      List<MinuteStats> rows, long from, long to, long step) {
    List<Map<String, MinuteStats>> steps = new ArrayList<>();
    for (long at = from; at < to; at += step) {
      steps.add(new HashMap<>());
    }
    for (MinuteStats m : rows) {
      long offset = m.minute().toEpochMilli() - from;
      int i = (int) Math.floorDiv(offset, step);
      if (offset < 0 || i >= steps.size()) {
        continue; // the storage answered a minute outside what was asked: not this range's
      }
      Instant at = Instant.ofEpochMilli(from + i * step);
      steps
          .get(i)
          .merge(
              m.type(),
              new MinuteStats(
                  at,
                  m.type(),
                  m.succeeded(),
                  m.failed(),
                  m.retried(),
                  m.runMillis(),
                  m.waitMillis()),
              MinuteStats::plus);
    }
    return steps;
  }

  /** One range's kept steps: contiguous, from {@code first}. */
  private final class Series {
    private final Range range;
    private final long step;
    private final int count;
    private final ArrayDeque<Map<String, MinuteStats>> kept = new ArrayDeque<>();
    private long first;

    Series(Range range) {
      this.range = range;
      this.step = range.step.toMillis();
      this.count = (int) (range.span.toMillis() / step);
    }

    synchronized Window read(Instant now) {
      long end = end(range, now);
      long start = end - range.span.toMillis();
      long keptEnd = first + kept.size() * step;
      if (kept.isEmpty() || keptEnd < start || first > start || keptEnd > end) {
        // Nothing kept, too old to overlap, or the clock went back: start over.
        kept.clear();
        first = start;
        keptEnd = start;
      }
      while (first < start) {
        kept.removeFirst();
        first += step;
      }
      List<Map<String, MinuteStats>> fresh =
          sum(
              stats.stats(Instant.ofEpochMilli(keptEnd), Instant.ofEpochMilli(end)),
              keptEnd,
              end,
              step);
      long settledBefore = now.minus(SETTLED).toEpochMilli();
      List<Map<String, MinuteStats>> steps = new ArrayList<>(count);
      steps.addAll(kept);
      for (int i = 0; i < fresh.size(); i++) {
        Map<String, MinuteStats> s = Collections.unmodifiableMap(fresh.get(i));
        if (keptEnd + (i + 1) * step <= settledBefore) {
          kept.addLast(s);
        }
        steps.add(s);
      }
      return new Window(Instant.ofEpochMilli(start), steps);
    }
  }
}
