package dev.baton.storage.memory;

import dev.baton.state.JobState;
import dev.baton.storage.QueueStats;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Jobs per state, overall and per queue, kept up to date on every move. */
final class StateCounts {
  private final Map<String, long[]> byQueue = new TreeMap<>();
  private final long[] total = new long[JobState.values().length];

  void move(String queue, JobState from, JobState to) {
    long[] q = byQueue.computeIfAbsent(queue, k -> new long[JobState.values().length]);
    if (from != null) {
      q[from.ordinal()]--;
      total[from.ordinal()]--;
    }
    if (to != null) {
      q[to.ordinal()]++;
      total[to.ordinal()]++;
    }
  }

  Map<JobState, Long> byState() {
    Map<JobState, Long> out = new EnumMap<>(JobState.class);
    for (JobState s : JobState.values()) {
      out.put(s, total[s.ordinal()]);
    }
    return out;
  }

  List<QueueStats> queues() {
    List<QueueStats> out = new ArrayList<>();
    byQueue.forEach(
        (name, c) -> {
          long open = 0;
          for (JobState s : JobState.values()) {
            open += s.isFinal() ? 0 : c[s.ordinal()];
          }
          if (open > 0) {
            out.add(
                new QueueStats(
                    name,
                    c[JobState.ENQUEUED.ordinal()],
                    c[JobState.BLOCKED.ordinal()],
                    c[JobState.PROCESSING.ordinal()],
                    c[JobState.SCHEDULED.ordinal()]));
          }
        });
    return out;
  }
}
