package dev.baton.storage.jdbc;

import dev.baton.job.JobId;
import dev.baton.state.ExceptionInfo;
import dev.baton.state.JobState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * One storage transaction: its connection, the storage time it runs at (read once, lazily), and the
 * history rows and notifications it collects, written in one batch just before the commit.
 */
final class Tx {
  private static final String INSERT_HISTORY =
      """
      INSERT INTO baton_history
        (job_id, state, at, server_id, worker, reason, error_type, error_message, error_stack)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      """;

  final Connection c;
  final Dialect dialect;
  private Instant now;
  private final List<Object[]> history = new ArrayList<>();
  private final java.util.Map<String, List<Object[]>> deferred = new java.util.LinkedHashMap<>();
  final Set<String> available = new LinkedHashSet<>();
  final List<Revocation> revoked = new ArrayList<>();

  /**
   * PostgreSQL: this transaction has set {@code synchronous_commit} to off for itself (a claim that
   * only leases); {@link #previousSyncCommit} is the setting it had before.
   */
  boolean asyncCommit;

  String previousSyncCommit;

  /**
   * A move that must not be lost was made in a transaction that set {@link #asyncCommit}: the
   * commit waits for the WAL flush after all.
   */
  boolean durableMove;

  /** Which run of the transaction this is (1, then 2, ... when a transient conflict reran it). */
  int attempt = 1;

  /** The permit rows ({@code baton_permits} keys) this transaction has locked. */
  final Set<String> lockedPermits = new java.util.HashSet<>();

  /** This transaction has renewed the last beat of its server ({@link ServerOps#renew}). */
  boolean beatRenewed;

  /** A claim in this transaction had candidates that went through admission. */
  boolean admissionRan;

  /**
   * True when the transaction is the application's (transactional enqueue): the storage does not
   * see its commit, so its announcements must reach this process through the poll as well.
   */
  boolean external;

  /** A lease this transaction takes away: its owner, job and fencing token. */
  record Revocation(String serverId, JobId jobId, long token) {
    dev.baton.storage.Lease lease() {
      return new dev.baton.storage.Lease(jobId, serverId, token);
    }
  }

  Tx(Connection c, Dialect dialect) {
    this.c = c;
    this.dialect = dialect;
  }

  /**
   * The storage's time for this transaction. On PostgreSQL it is read with clock_timestamp() the
   * first time it is needed; every row this transaction writes carries it.
   */
  Instant now() throws SQLException {
    if (now == null) {
      try (PreparedStatement ps = c.prepareStatement(dialect.clockQuery);
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        now = Sql.instant(rs, 1);
      }
    }
    return now;
  }

  /**
   * PostgreSQL: reads the clock again, for what this transaction writes from now on (it waited for
   * a lock that another transaction held: rows written after the wait must not carry a time from
   * before that transaction's commit).
   */
  void rereadClock() throws SQLException {
    now = null;
    now();
  }

  /** The time a statement read from the database clock, when this transaction has none yet. */
  void nowIs(Instant t) {
    if (now == null) {
      now = t;
    }
  }

  /** The transaction's time if it was read already, else null. */
  Instant nowIfKnown() {
    return now;
  }

  /**
   * Binds the transaction's time, or NULL if it was not read yet: the statement then reads the
   * clock itself ({@code COALESCE(CAST(? AS timestamptz), clock_timestamp())}) and returns it.
   */
  void bindNowIfKnown(PreparedStatement ps, int index) throws SQLException {
    if (now == null) {
      ps.setNull(index, java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      ps.setObject(index, Sql.ts(now));
    }
  }

  void history(JobId job, JobState state, String serverId, String worker, String reason)
      throws SQLException {
    history(job, state, serverId, worker, reason, null);
  }

  void history(
      JobId job, JobState state, String serverId, String worker, String reason, ExceptionInfo error)
      throws SQLException {
    history.add(
        new Object[] {
          job.value(),
          state.name(),
          Sql.ts(now()),
          serverId,
          worker,
          reason == null ? "" : reason,
          error == null ? null : error.type(),
          error == null ? null : error.message(),
          error == null ? null : error.stackTrace()
        });
  }

  void jobsAvailable(String queue) {
    available.add(queue);
  }

  void revoked(String serverId, JobId job, long token) {
    if (serverId != null) {
      revoked.add(new Revocation(serverId, job, token));
    }
  }

  /**
   * Queues an update to run at {@link #flush()}, batched with the others of the same statement: one
   * round trip for the whole batch of a grouped finish.
   */
  void defer(String sql, Object... params) {
    deferred.computeIfAbsent(sql, k -> new ArrayList<>()).add(params);
  }

  /** Member moves of batches, by batch id, applied at {@link #flush()} (see {@link BatchOps}). */
  final java.util.TreeMap<UUID, BatchOps.Delta> batchDeltas = new java.util.TreeMap<>();

  /**
   * Applies the batch counts, runs the deferred updates, then writes the collected history rows,
   * each in one batch.
   */
  void flush() throws SQLException {
    BatchOps.apply(this);
    if (deferred.isEmpty() && history.isEmpty()) {
      return;
    }
    for (java.util.Map.Entry<String, List<Object[]>> e : deferred.entrySet()) {
      try (PreparedStatement ps = c.prepareStatement(e.getKey())) {
        for (Object[] params : e.getValue()) {
          Sql.bind(ps, params);
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
    deferred.clear();
    if (history.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(INSERT_HISTORY)) {
      for (Object[] row : history) {
        for (int i = 0; i < row.length; i++) {
          ps.setObject(i + 1, row[i]);
        }
        ps.addBatch();
      }
      ps.executeBatch();
    }
    history.clear();
  }

  java.sql.Array uuids(List<UUID> ids) throws SQLException {
    return c.createArrayOf(dialect.uuidArrayType, ids.toArray());
  }

  java.sql.Array strings(List<String> values) throws SQLException {
    return c.createArrayOf(dialect.varcharArrayType, values.toArray());
  }

  PreparedStatement prepare(String sql) throws SQLException {
    return c.prepareStatement(sql);
  }

  /** Runs an update with the given parameters and returns the row count. */
  int update(String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      Sql.bind(ps, params);
      return ps.executeUpdate();
    }
  }
}
