package dev.baton.storage;

import java.util.List;

/**
 * What a server tells the storage on every heartbeat.
 *
 * @param running the leases this server believes it holds; the storage answers which are no longer
 *     valid
 */
public record ServerBeat(
    String serverId, String host, List<String> queues, int workers, List<Lease> running) {
  public ServerBeat {
    queues = List.copyOf(queues);
    running = List.copyOf(running);
  }
}
