package dev.baton.dashboard.api;

import dev.baton.dashboard.http.Call;
import dev.baton.dashboard.http.HttpResponse;
import dev.baton.stats.UnknownTypes;
import dev.baton.storage.ServerEvent;
import dev.baton.storage.ServerRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /api/v1/servers}: live servers with their beat age, and recent server events. */
public final class ServersApi {
  public static final int EVENTS_SHOWN = 50;

  private final Backend backend;

  public ServersApi(Backend backend) {
    this.backend = backend;
  }

  public HttpResponse servers(Call call) {
    Instant now = backend.storage().now();
    List<ServerEvent> events =
        backend.stats().map(s -> s.serverEvents(EVENTS_SHOWN)).orElse(List.of());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("servers", backend.monitor().servers().stream().map(s -> server(s, now)).toList());
    body.put("events", events.stream().map(ServersApi::event).toList());
    return backend.json().response(200, body);
  }

  private static Map<String, Object> server(ServerRecord s, Instant now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("serverId", s.serverId());
    m.put("host", s.host());
    m.put("queues", s.queues());
    m.put("workers", s.workers());
    m.put("running", s.running());
    m.put("startedAt", s.startedAt());
    m.put("lastBeat", s.lastBeat());
    m.put(
        "beatAgeMs", s.lastBeat() == null ? null : Duration.between(s.lastBeat(), now).toMillis());
    return m;
  }

  private static Map<String, Object> event(ServerEvent e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("at", e.at());
    m.put("kind", e.kind().name());
    m.put("serverId", e.serverId());
    m.put("byServerId", e.byServerId());
    m.put("jobs", e.jobs());
    if (e.kind() == ServerEvent.Kind.UNKNOWN_TYPE) {
      UnknownTypes.parse(e.detail())
          .ifPresent(
              parsed -> {
                m.put("jobType", parsed.getKey());
                m.put("postponed", parsed.getValue().postponed());
                m.put("failed", parsed.getValue().failed());
              });
    }
    m.put("detail", e.detail());
    return m;
  }
}
