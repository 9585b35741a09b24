package dev.baton.dashboard.api;

import dev.baton.dashboard.http.Call;
import dev.baton.dashboard.http.HttpResponse;
import dev.baton.storage.MinuteStats;
import dev.baton.storage.StatsStorage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/stats/history?range=1h|24h|7d}: the storage's per-minute counters summed into
 * steps of 1 minute, 10 minutes or 1 hour (every step present, zeros included), and totals per job
 * type. A storage without {@link StatsStorage} answers empty points with {@code "available":
 * false}. Steps that have ended are kept summed ({@link HistoryCache}), so a call reads only the
 * newest minutes.
 */
public final class HistoryApi {
  /** A range and the step its points are summed into. */
  enum Range {
    HOUR("1h", Duration.ofHours(1), "1m", Duration.ofMinutes(1)),
    DAY("24h", Duration.ofHours(24), "10m", Duration.ofMinutes(10)),
    WEEK("7d", Duration.ofDays(7), "1h", Duration.ofHours(1));

    final String name;
    final Duration span;
    final String stepName;
    final Duration step;

    Range(String name, Duration span, String stepName, Duration step) {
      this.name = name;
      this.span = span;
      this.stepName = stepName;
      this.step = step;
    }

    static Range parse(String text) {
      for (Range r : values()) {
        if (r.name.equals(text)) {
          return r;
        }
      }
      throw Params.bad("range", text, "one of 1h, 24h, 7d");
    }
  }

  private static final Logger log = LoggerFactory.getLogger(HistoryApi.class);

  private final Backend backend;
  private final Optional<HistoryCache> cache;
  private volatile Thread warmUp;

  public HistoryApi(Backend backend) {
    this.backend = backend;
    this.cache = backend.stats().map(s -> new HistoryCache(s, backend.storage()::now));
  }

  /**
   * Sums every range once in the background, so the first page view does not wait for a week of
   * minutes (seconds on Redis); a request meanwhile waits for its range's fill and shares it.
   */
  public void startWarmUp() {
    cache.ifPresent(
        c -> {
          Thread t =
              new Thread(
                  () -> {
                    for (Range r : Range.values()) {
                      if (Thread.currentThread().isInterrupted()) {
                        return;
                      }
                      try {
                        c.read(r);
                      } catch (RuntimeException e) {
                        log.debug(
                            "history: warming up {} failed; the first request reads it", r, e);
                      }
                    }
                  },
                  "baton-dashboard-history");
          t.setDaemon(true);
          warmUp = t;
          t.start();
        });
  }

  /** Stops a warm-up still running. */
  public void close() {
    Thread t = warmUp;
    if (t != null) {
      t.interrupt();
    }
  }

  public HttpResponse history(Call call) {
    Range range = Range.parse(call.request().param("range").orElse("1h"));
    HistoryCache.Window window =
        cache
            .map(c -> c.read(range))
            .orElseGet(() -> HistoryCache.empty(range, backend.storage().now()));
    return backend.json().response(200, body(range, backend.stats().isPresent(), window));
  }

  /** The answer's JSON for {@code window}: a point per step, totals per type by name. */
  static Map<String, Object> body(Range range, boolean available, HistoryCache.Window window) {
    long step = range.step.toMillis();
    Map<String, MinuteStats> byType = new TreeMap<>();
    List<Map<String, Object>> points = new ArrayList<>();
    List<Map<String, MinuteStats>> steps = window.steps();
    for (int i = 0; i < steps.size(); i++) {
      long succeeded = 0;
      long failed = 0;
      long retried = 0;
      for (MinuteStats m : steps.get(i).values()) {
        succeeded += m.succeeded();
        failed += m.failed();
        retried += m.retried();
        byType.merge(m.type(), m, MinuteStats::plus);
      }
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("at", window.start().plusMillis(i * step));
      p.put("succeeded", succeeded);
      p.put("failed", failed);
      p.put("retried", retried);
      points.add(p);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("range", range.name);
    body.put("step", range.stepName);
    body.put("available", available);
    body.put("points", points);
    body.put("types", byType.values().stream().map(HistoryApi::type).toList());
    return body;
  }

  private static Map<String, Object> type(MinuteStats t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", t.type());
    m.put("succeeded", t.succeeded());
    m.put("failed", t.failed());
    m.put("retried", t.retried());
    m.put("avgRunMs", t.runs() == 0 ? null : t.runMillis() / t.runs());
    m.put("avgWaitMs", t.runs() == 0 ? null : t.waitMillis() / t.runs());
    return m;
  }
}
