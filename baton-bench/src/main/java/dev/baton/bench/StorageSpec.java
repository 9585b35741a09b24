package dev.baton.bench;

import dev.baton.storage.JobStorage;

/**
 * Which storage a benchmark runs on, chosen with {@code --storage=NAME} (see {@link StorageSpecs}).
 * Every benchmark is written against this interface only, so a new storage is one class and one
 * line in {@link StorageSpecs}.
 */
public interface StorageSpec {
  /** The name given with {@code --storage}. */
  String name();

  /** What the report says about the storage, e.g. "PostgreSQL 15 at 127.0.0.1:5432". */
  String describe();

  /** Empties the benchmark's data set (a fresh schema, file, or namespace). */
  void reset();

  /** A new client onto the benchmark's data set, as a server process would open it. */
  JobStorage open(Profile profile);

  /**
   * Whether separate processes can share the data set (false for in-memory storage, whose
   * multi-process benchmarks are then skipped).
   */
  default boolean sharedAcrossProcesses() {
    return true;
  }

  /**
   * CPU seconds the storage's own server has used so far (Redis: {@code INFO cpu}, every thread),
   * or NaN where the benchmark cannot read it; differences give the storage's CPU per job.
   */
  default double serverCpuSeconds() {
    return Double.NaN;
  }

  /**
   * After a bulk fill: what a database that has been up for a while has done by itself (PostgreSQL:
   * {@code VACUUM ANALYZE} of the data set's tables and a {@code CHECKPOINT}, as autovacuum and the
   * checkpointer would), so that measurements do not pay for it. Default: nothing.
   */
  default void settle() {}

  /**
   * The exact number of SUCCEEDED jobs, for the benchmarks' success checks: the dashboard's {@code
   * countByState} may report a large count as an estimate (PostgreSQL above 100,000).
   */
  default long succeeded(JobStorage storage) {
    return ((dev.baton.storage.JobMonitor) storage)
        .countByState()
        .getOrDefault(dev.baton.state.JobState.SUCCEEDED, 0L);
  }

  /** How big the data set is, for the report (e.g. table sizes); empty if unknown. */
  default String dataSize() {
    return "";
  }

  /**
   * Storage settings of a run: the defaults, or tuned for throughput (on PostgreSQL: a larger pool
   * and {@code synchronousCommit(false)}, see {@code JdbcStorageBuilder}).
   */
  enum Profile {
    DEFAULT,
    TUNED,
    /**
     * Storage calls short enough for the fast-recovery server settings: a server refuses a storage
     * whose call may block longer than its self-fence ({@code CallTimeouts}). JDBC: 250 ms to
     * connect and 750 ms per statement (PostgreSQL's socket timeout is whole seconds, so 1.25 s in
     * all); Redis: a 1 s command timeout.
     */
    FAST_RECOVERY
  }
}
