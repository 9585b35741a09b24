package dev.baton.storage.memory;

import dev.baton.storage.ServerBeat;
import dev.baton.storage.ServerRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Registered servers and their last heartbeat (storage clock). */
final class Servers {
  private final Map<String, ServerRecord> byId = new TreeMap<>();

  /** Registers or refreshes; returns whether it was already registered. */
  boolean beat(ServerBeat beat, Instant now) {
    ServerRecord old = byId.get(beat.serverId());
    Instant started = old == null ? now : old.startedAt();
    byId.put(
        beat.serverId(),
        new ServerRecord(
            beat.serverId(), beat.host(), beat.queues(), beat.workers(), started, now, 0));
    return old != null;
  }

  /**
   * Proof of life other than a heartbeat (a claim, a finish): the server's last beat is now, if it
   * is registered. One declared dead stays unregistered, so that its next heartbeat tells it so.
   */
  void renew(String serverId, Instant now) {
    ServerRecord s = byId.get(serverId);
    if (s != null && s.lastBeat().isBefore(now)) {
      byId.put(
          serverId,
          new ServerRecord(
              s.serverId(), s.host(), s.queues(), s.workers(), s.startedAt(), now, s.running()));
    }
  }

  /**
   * Servers silent for longer than {@code timeout}, removed; never {@code rescuerId} itself, which
   * is alive since it asks.
   */
  List<ServerRecord> removeSilent(Duration timeout, Instant now, String rescuerId) {
    Instant limit = now.minus(timeout);
    List<ServerRecord> dead = new ArrayList<>();
    for (ServerRecord s : byId.values()) {
      if (s.lastBeat().isBefore(limit) && !s.serverId().equals(rescuerId)) {
        dead.add(s);
      }
    }
    dead.forEach(s -> byId.remove(s.serverId()));
    return dead;
  }

  boolean isRegistered(String serverId) {
    return serverId != null && byId.containsKey(serverId);
  }

  boolean remove(String serverId) {
    return byId.remove(serverId) != null;
  }

  List<ServerRecord> all() {
    return new ArrayList<>(byId.values());
  }
}
