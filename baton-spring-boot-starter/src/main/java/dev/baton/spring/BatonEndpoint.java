package dev.baton.spring;

import dev.baton.client.BatonClient;
import dev.baton.storage.JobMonitor;
import dev.baton.storage.QueueStats;
import dev.baton.storage.ServerRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/baton}: jobs per state, per queue, and the servers with their heartbeats: what
 * the dashboard's overview reads, without the dashboard. Counts come from the storage's indexes,
 * never from a scan of the jobs. Read-only; expose it like any endpoint ({@code
 * management.endpoints.web.exposure.include=baton}).
 */
@Endpoint(id = "baton")
public final class BatonEndpoint {
  private final BatonClient client;

  /** Reads through {@code client}'s monitor. */
  public BatonEndpoint(BatonClient client) {
    this.client = client;
  }

  /** The statistics, as plain maps (stable names, no storage classes). */
  @ReadOperation
  public Map<String, Object> statistics() {
    JobMonitor monitor = client.monitor();
    Map<String, Object> states = new LinkedHashMap<>();
    monitor.countByState().forEach((state, n) -> states.put(state.name(), n));
    List<Map<String, Object>> queues = monitor.queues().stream().map(BatonEndpoint::queue).toList();
    List<Map<String, Object>> servers =
        monitor.servers().stream().map(BatonEndpoint::server).toList();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("states", states);
    out.put("queues", queues);
    out.put("servers", servers);
    return out;
  }

  private static Map<String, Object> queue(QueueStats q) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("queue", q.queue());
    m.put("enqueued", q.enqueued());
    m.put("blocked", q.blocked());
    m.put("processing", q.processing());
    m.put("scheduled", q.scheduled());
    return m;
  }

  private static Map<String, Object> server(ServerRecord s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("serverId", s.serverId());
    m.put("host", s.host());
    m.put("queues", s.queues());
    m.put("workers", s.workers());
    m.put("running", s.running());
    m.put("startedAt", String.valueOf(s.startedAt()));
    m.put("lastBeat", String.valueOf(s.lastBeat()));
    return m;
  }
}
