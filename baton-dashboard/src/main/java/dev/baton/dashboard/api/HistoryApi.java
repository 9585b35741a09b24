package dev.baton.dashboard.api;

import dev.baton.dashboard.http.Call;
import dev.baton.dashboard.http.HttpResponse;
import dev.baton.storage.MinuteStats;
import dev.baton.storage.StatsStorage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /api/v1/stats/history?range=1h|24h|7d}: the storage's per-minute counters summed into
 * steps of 1 minute, 10 minutes or 1 hour (every step present, zeros included), and totals per job
 * type. A storage without {@link StatsStorage} answers empty points with {@code "available":
 * false}.
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

  private final Backend backend;

  public HistoryApi(Backend backend) {
    this.backend = backend;
  }

  public HttpResponse history(Call call) {
    Range range = Range.parse(call.request().param("range").orElse("1h"));
    long step = range.step.toMillis();
    Instant now = backend.storage().now();
    Instant end = Instant.ofEpochMilli(Math.floorDiv(now.toEpochMilli(), step) * step + step);
    Instant start = end.minus(range.span);
    List<MinuteStats> rows = backend.stats().map(s -> s.stats(start, end)).orElse(List.of());
    long[][] sums = new long[(int) (range.span.toMillis() / step)][3];
    Map<String, MinuteStats> byType = new TreeMap<>();
    for (MinuteStats m : rows) {
      int i = (int) ((m.minute().toEpochMilli() - start.toEpochMilli()) / step);
      if (i >= 0 && i < sums.length) {
        sums[i][0] += m.succeeded();
        sums[i][1] += m.failed();
        sums[i][2] += m.retried();
      }
      byType.merge(m.type(), m, MinuteStats::plus);
    }
    List<Map<String, Object>> points = new ArrayList<>();
    for (int i = 0; i < sums.length; i++) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("at", start.plusMillis(i * step));
      p.put("succeeded", sums[i][0]);
      p.put("failed", sums[i][1]);
      p.put("retried", sums[i][2]);
      points.add(p);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("range", range.name);
    body.put("step", range.stepName);
    body.put("available", backend.stats().isPresent());
    body.put("points", points);
    body.put("types", byType.values().stream().map(HistoryApi::type).toList());
    return backend.json().response(200, body);
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
