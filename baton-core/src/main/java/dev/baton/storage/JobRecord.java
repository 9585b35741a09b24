package dev.baton.storage;

import dev.baton.state.JobState;
import dev.baton.state.StateEntry;
import java.time.Instant;
import java.util.List;

/**
 * A job as read back from a storage.
 *
 * @param attempt the attempt number of the current or next run, from 1
 * @param fencingToken the token of the latest claim (0 before the first)
 * @param owner the server that holds the lease while PROCESSING, else null
 * @param stateAt when the job entered its current state
 * @param runAt when a SCHEDULED job becomes due, else null
 * @param expireAt when a finished job will be purged, else null
 * @param progress 0..100, as last reported
 * @param blocked what a BLOCKED job waits for, else null
 * @param history every transition, oldest first (empty in list queries)
 * @param logs the job's log lines, oldest first (empty in list queries)
 */
public record JobRecord(
    JobSpec spec,
    JobState state,
    int attempt,
    long fencingToken,
    String owner,
    Instant createdAt,
    Instant stateAt,
    Instant runAt,
    Instant expireAt,
    int progress,
    BlockInfo blocked,
    List<StateEntry> history,
    List<LogLine> logs) {
  public JobRecord {
    history = history == null ? List.of() : List.copyOf(history);
    logs = logs == null ? List.of() : List.copyOf(logs);
  }
}
