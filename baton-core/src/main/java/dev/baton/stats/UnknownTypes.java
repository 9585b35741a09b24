package dev.baton.stats;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts the runs a server could not start because it has no handler for the job's type (a typo in
 * an enqueue, or a rolling deploy where an old server claims a new type): runs put back for a
 * server that has the handler, and jobs failed for good. The {@link StatsPlugin} records them as
 * {@link dev.baton.storage.ServerEvent.Kind#UNKNOWN_TYPE} events for the dashboard's problems
 * strip. Thread-safe; holds two counters per type name seen.
 */
public final class UnknownTypes {
  /** Counts of one type. */
  public record Counts(long postponed, long failed) {
    Counts plus(Counts other) {
      return new Counts(postponed + other.postponed, failed + other.failed);
    }

    public long total() {
      return postponed + failed;
    }
  }

  private static final Pattern DETAIL =
      Pattern.compile(
          "^job type '(.+)' has no handler on this server: (\\d+) runs? put back for a server that"
              + " has one, (\\d+) jobs? failed; .*$");

  private record Adders(LongAdder postponed, LongAdder failed) {
    Adders() {
      this(new LongAdder(), new LongAdder());
    }
  }

  private final Map<String, Adders> seen = new ConcurrentHashMap<>();

  /** The detail line of an UNKNOWN_TYPE event. */
  public static String detail(String type, Counts counts) {
    return "job type '"
        + type
        + "' has no handler on this server: "
        + counts.postponed()
        + (counts.postponed() == 1 ? " run" : " runs")
        + " put back for a server that has one, "
        + counts.failed()
        + (counts.failed() == 1 ? " job" : " jobs")
        + " failed; register it"
        + (counts.failed() > 0 ? " and requeue the failed jobs" : "");
  }

  /** The type and counts an UNKNOWN_TYPE event's {@link #detail} names, or empty for another. */
  public static Optional<Map.Entry<String, Counts>> parse(String detail) {
    Matcher m = DETAIL.matcher(detail);
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(
        Map.entry(m.group(1), new Counts(Long.parseLong(m.group(2)), Long.parseLong(m.group(3)))));
  }

  /** A run of {@code type} was put back for a server that has its handler. */
  public void postponed(String type) {
    seen.computeIfAbsent(type, t -> new Adders()).postponed().increment();
  }

  /** A job of {@code type} failed for good for want of a handler. */
  public void failed(String type) {
    seen.computeIfAbsent(type, t -> new Adders()).failed().increment();
  }

  /** The counts per type since the last drain; types with none are left out. */
  public Map<String, Counts> drain() {
    Map<String, Counts> out = new LinkedHashMap<>();
    seen.forEach(
        (type, a) -> {
          Counts c = new Counts(a.postponed().sumThenReset(), a.failed().sumThenReset());
          if (c.total() > 0) {
            out.put(type, c);
          }
        });
    return out;
  }

  /** Adds {@code more} to {@code into} per type (counts not recorded yet). */
  static void merge(Map<String, Counts> into, Map<String, Counts> more) {
    more.forEach((type, c) -> into.merge(type, c, Counts::plus));
  }
}
