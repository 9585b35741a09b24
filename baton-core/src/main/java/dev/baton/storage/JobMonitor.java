package dev.baton.storage;

import dev.baton.job.JobId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

  /**
   * A keyset-paged page of jobs matching {@code search}, newest state change first (ties by id,
   * descending), without history or logs. Reads at most {@link JobSearch#scanLimit} candidates, so
   * its cost does not grow with the number of stored jobs; see {@link JobPage#next}.
   */
  JobPage searchJobs(JobSearch search);

  /**
   * The job with its whole history but without its log lines (read those with {@link #logs}), or
   * empty if unknown or purged. What a dashboard's job page reads, however long the job's log.
   */
  Optional<JobRecord> job(JobId id);

  /**
   * A window of the job's log lines, oldest first: {@code limit} lines starting at index {@code
   * from} (0 is the first line ever logged), or, with {@code from < 0}, the last {@code limit}
   * lines (the tail). An unknown job has an empty page with total 0.
   *
   * @param limit 1..1000
   */
  LogPage logs(JobId id, long from, int limit);

  /** The jobs that continue {@code parent}, oldest first, at most {@code limit} (1..1000). */
  List<JobRecord> continuations(JobId parent, int limit);

  /** Uniqueness keys held now, ordered by key, at most {@code limit} (1..1000). */
  List<UniqueHold> uniqueKeys(int limit);

  /** Live (registered) servers. */
  List<ServerRecord> servers();

  /** Every queue that has jobs not yet final, with counts. */
  List<QueueStats> queues();

  /** Every concurrency key with holders or waiters: who holds it, who waits, in order. */
  List<KeyStatus> concurrencyKeys();

  /** Locks currently held (not expired). */
  List<LockLease> locks();
}
