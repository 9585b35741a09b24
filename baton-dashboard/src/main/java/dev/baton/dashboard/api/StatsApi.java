package dev.baton.dashboard.api;

import dev.baton.dashboard.http.Call;
import dev.baton.dashboard.http.HttpResponse;
import dev.baton.state.JobState;
import dev.baton.storage.QueueStats;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /api/v1/stats}: counts by state (also flat, as {@code "processing": n}, the way
 * Hangfire's statistics are read), the queues, the number of live servers and recurring jobs.
 */
public final class StatsApi {
  private final Backend backend;

  public StatsApi(Backend backend) {
    this.backend = backend;
  }

  public HttpResponse stats(Call call) {
    return backend.json().response(200, snapshot());
  }

  /** The stats object, also sent every second on the event stream. */
  public Map<String, Object> snapshot() {
    Map<JobState, Long> counts = backend.monitor().countByState();
    Map<String, Object> states = new LinkedHashMap<>();
    for (JobState s : JobState.values()) {
      states.put(s.name(), counts.getOrDefault(s, 0L));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("states", states);
    for (JobState s : JobState.values()) {
      body.put(s.name().toLowerCase(Locale.ROOT), counts.getOrDefault(s, 0L));
    }
    List<QueueStats> queues = backend.monitor().queues();
    body.put("queues", queues.stream().map(StatsApi::queue).toList());
    body.put("servers", backend.monitor().servers().size());
    body.put("recurring", backend.storage().recurringJobs().size());
    body.put("at", backend.storage().now());
    return body;
  }

  static Map<String, Object> queue(QueueStats q) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("queue", q.queue());
    m.put("enqueued", q.enqueued());
    m.put("blocked", q.blocked());
    m.put("processing", q.processing());
    m.put("scheduled", q.scheduled());
    return m;
  }
}
