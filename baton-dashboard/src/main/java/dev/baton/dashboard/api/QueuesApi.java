package dev.baton.dashboard.api;

import dev.baton.dashboard.http.Call;
import dev.baton.dashboard.http.HttpResponse;
import dev.baton.storage.QueueStats;
import dev.baton.storage.ServerRecord;
import java.util.List;
import java.util.Map;

/** {@code GET /api/v1/queues}: each queue's counts and how many live servers work it. */
public final class QueuesApi {
  private final Backend backend;

  public QueuesApi(Backend backend) {
    this.backend = backend;
  }

  public HttpResponse queues(Call call) {
    List<ServerRecord> servers = backend.monitor().servers();
    List<Map<String, Object>> queues =
        backend.monitor().queues().stream().map(q -> queue(q, servers)).toList();
    return backend.json().response(200, Map.of("queues", queues));
  }

  private static Map<String, Object> queue(QueueStats q, List<ServerRecord> servers) {
    Map<String, Object> m = StatsApi.queue(q);
    m.put("servers", servers.stream().filter(s -> s.queues().contains(q.queue())).count());
    return m;
  }
}
