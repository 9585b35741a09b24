package dev.baton.storage;

import java.time.Instant;
import java.util.List;

/**
 * An optional power of a storage: per-minute counters per job type and a short log of server
 * events, for the dashboard's history graphs, per-type metrics and "problems" strip. Servers write
 * them (a few rows a second at most, never per job); dashboards read them. A storage without it
 * still works; its dashboard shows no history.
 */
public interface StatsStorage {
  /** How many server events a storage keeps at least (older ones may be dropped). */
  int KEPT_EVENTS = 500;

  /**
   * Adds every delta to the counters of its minute and type, creating them as needed. One atomic
   * step: all deltas are added, or none.
   */
  void addStats(List<MinuteStats> deltas);

  /**
   * The counters of every minute in {@code [from, to)} that has any, ordered by minute then type.
   */
  List<MinuteStats> stats(Instant from, Instant to);

  /** Drops the counters of minutes before {@code before}; returns how many rows were dropped. */
  int pruneStats(Instant before);

  /** Records a server event, keeping at least the newest {@link #KEPT_EVENTS}. */
  void addServerEvent(ServerEvent event);

  /** The newest server events, newest first, at most {@code limit} (1..{@link #KEPT_EVENTS}). */
  List<ServerEvent> serverEvents(int limit);
}
