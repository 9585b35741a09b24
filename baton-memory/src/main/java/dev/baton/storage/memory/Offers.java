package dev.baton.storage.memory;

import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Idle servers' offers ({@code claimOrOffer}): which queues, how many slots left, until when. One
 * offer per server; a new one replaces the old. Not thread-safe: used under the storage lock.
 */
final class Offers {
  private record Offer(Set<String> queues, int slots, Instant expiresAt) {}

  private final Map<String, Offer> byServer = new LinkedHashMap<>();

  /** Replaces {@code serverId}'s offer; no slots means no offer. */
  void offer(String serverId, List<String> queues, int slots, Instant expiresAt) {
    withdraw(serverId);
    if (slots > 0 && !queues.isEmpty()) {
      byServer.put(serverId, new Offer(Set.copyOf(queues), slots, expiresAt));
    }
  }

  void withdraw(String serverId) {
    byServer.remove(serverId);
  }

  /**
   * Uses one slot of an offer that covers {@code queue} and has not expired; returns the offering
   * server, or null if none. The oldest offer goes first, so servers share the work.
   */
  String take(String queue, Instant now) {
    Iterator<Map.Entry<String, Offer>> it = byServer.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Offer> e = it.next();
      Offer o = e.getValue();
      if (!o.expiresAt().isAfter(now)) {
        it.remove();
      } else if (o.queues().contains(queue)) {
        String serverId = e.getKey();
        it.remove();
        if (o.slots() > 1) {
          // to the back: the next job goes to another idle server, if there is one
          byServer.put(serverId, new Offer(o.queues(), o.slots() - 1, o.expiresAt()));
        }
        return serverId;
      }
    }
    return null;
  }
}
