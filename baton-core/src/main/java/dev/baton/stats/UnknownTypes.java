package dev.baton.stats;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the jobs a server failed because it has no handler for their type (a typo in an enqueue,
 * or a rolling deploy where an old server claims a new type), so that the {@link StatsPlugin} can
 * record them as {@link dev.baton.storage.ServerEvent.Kind#UNKNOWN_TYPE} events for the dashboard's
 * problems strip. Thread-safe; holds one counter per type name seen.
 */
public final class UnknownTypes {
  private static final java.util.regex.Pattern DETAIL =
      java.util.regex.Pattern.compile("^\\d+ jobs? of type '(.+)' failed: .*$");

  /** The detail line of an UNKNOWN_TYPE event: {@code n} jobs of {@code type} failed. */
  public static String detail(String type, long n) {
    return n
        + (n == 1 ? " job" : " jobs")
        + " of type '"
        + type
        + "' failed: this server has no handler for it; register it and requeue "
        + (n == 1 ? "the job" : "them");
  }

  /** The type an UNKNOWN_TYPE event's {@link #detail} names, or empty for another line. */
  public static java.util.Optional<String> typeOf(String detail) {
    java.util.regex.Matcher m = DETAIL.matcher(detail);
    return m.matches() ? java.util.Optional.of(m.group(1)) : java.util.Optional.empty();
  }

  private final Map<String, LongAdder> failed = new ConcurrentHashMap<>();

  /** One job of {@code type} failed for want of a handler. */
  public void failed(String type) {
    failed.computeIfAbsent(type, t -> new LongAdder()).increment();
  }

  /** The jobs failed per type since the last drain; types with none are left out. */
  public Map<String, Long> drain() {
    Map<String, Long> out = new LinkedHashMap<>();
    failed.forEach(
        (type, count) -> {
          long n = count.sumThenReset();
          if (n > 0) {
            out.put(type, n);
          }
        });
    return out;
  }

  /** Puts back counts that could not be recorded. */
  public void restore(Map<String, Long> counts) {
    counts.forEach((type, n) -> failed.computeIfAbsent(type, t -> new LongAdder()).add(n));
  }
}
