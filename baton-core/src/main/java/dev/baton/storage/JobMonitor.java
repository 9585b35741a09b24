package dev.baton.storage;

import java.util.List;
import java.util.Map;

/**
 * Read-only queries for dashboards and the REST API, kept apart from {@link JobStorage} so the
 * transition SPI stays small. None of these change anything; they need not be one snapshot across
 * calls.
 */
public interface JobMonitor {
  /** How many jobs are in each state (states with none may be missing or 0). */
  Map<dev.baton.state.JobState, Long> countByState();

  /** A page of jobs matching the query, newest state change first, without history or logs. */
  Page<JobRecord> findJobs(JobQuery query);

  /** Live (registered) servers. */
  List<ServerRecord> servers();

  /** Every queue that has jobs not yet final, with counts. */
  List<QueueStats> queues();

  /** Every concurrency key with holders or waiters: who holds it, who waits, in order. */
  List<KeyStatus> concurrencyKeys();

  /** Locks currently held (not expired). */
  List<LockLease> locks();
}
