package dev.baton.storage;

import java.time.Instant;
import java.util.List;

/** A registered server as the storage last heard of it. */
public record ServerRecord(
    String serverId,
    String host,
    List<String> queues,
    int workers,
    Instant startedAt,
    Instant lastBeat,
    int running) {
  public ServerRecord {
    queues = List.copyOf(queues);
  }
}
