package dev.baton.storage.memory;

import dev.baton.storage.MinuteStats;
import dev.baton.storage.ServerEvent;
import dev.baton.storage.StatsStorage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Per-minute counters by job type and the newest server events, for {@link StatsStorage}. Not
 * thread-safe: used under the storage lock, which is what makes a batch of deltas atomic.
 */
final class StatsTables {
  private static final Comparator<ServerEvent> OLDEST_FIRST = Comparator.comparing(ServerEvent::at);

  private final NavigableMap<Instant, TreeMap<String, MinuteStats>> minutes = new TreeMap<>();

  /** Oldest first, at most {@link StatsStorage#KEPT_EVENTS}. */
  private final List<ServerEvent> events = new ArrayList<>();

  void add(List<MinuteStats> deltas) {
    for (MinuteStats d : deltas) {
      minutes
          .computeIfAbsent(d.minute(), k -> new TreeMap<>())
          .merge(d.type(), d, MinuteStats::plus);
    }
  }

  List<MinuteStats> read(Instant from, Instant to) {
    List<MinuteStats> out = new ArrayList<>();
    if (from.isBefore(to)) {
      minutes.subMap(from, true, to, false).values().forEach(types -> out.addAll(types.values()));
    }
    return out;
  }

  int prune(Instant before) {
    NavigableMap<Instant, TreeMap<String, MinuteStats>> old = minutes.headMap(before, false);
    int rows = old.values().stream().mapToInt(Map::size).sum();
    old.clear();
    return rows;
  }

  /** Keeps events ordered by time even when servers report out of order, dropping the oldest. */
  void addEvent(ServerEvent event) {
    int at = events.size();
    while (at > 0 && OLDEST_FIRST.compare(events.get(at - 1), event) > 0) {
      at--;
    }
    events.add(at, event);
    if (events.size() > StatsStorage.KEPT_EVENTS) {
      events.remove(0);
    }
  }

  List<ServerEvent> newestEvents(int limit) {
    if (limit < 1 || limit > StatsStorage.KEPT_EVENTS) {
      throw new IllegalArgumentException(
          "limit must be 1.." + StatsStorage.KEPT_EVENTS + ", got " + limit);
    }
    List<ServerEvent> out = new ArrayList<>(Math.min(limit, events.size()));
    for (int i = events.size() - 1; i >= 0 && out.size() < limit; i--) {
      out.add(events.get(i));
    }
    return out;
  }
}
