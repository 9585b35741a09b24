package dev.baton.storage.jdbc;

import dev.baton.concurrency.Permit;
import dev.baton.concurrency.ReleasePolicy;
import dev.baton.concurrency.Uniqueness;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.ContinuationCondition;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The row-level moves several operations share: locking a job, giving back its permits (and waking
 * the next waiters), releasing its uniqueness key, and starting or deleting its continuations.
 */
final class Moves {
  /** How long a job deleted by the storage itself (not by a caller) stays before it is purged. */
  static final Duration SYSTEM_RETENTION = Duration.ofDays(7);

  private static final String RELEASE_HOLDERS =
      "DELETE FROM baton_permit_holders WHERE job_id = ? AND permit_key = ?";
  private static final String LOCK_PERMITS =
      "SELECT permit_key FROM baton_permits WHERE permit_key = ANY(?) ORDER BY permit_key FOR UPDATE";
  private static final String HOLDER_COUNT =
      "SELECT COUNT(*) FROM baton_permit_holders WHERE permit_key = ?";
  private static final String WOKEN_COUNT =
      "SELECT COUNT(*) FROM baton_jobs WHERE state = 'ENQUEUED' AND blocked_key = ?";
  private static final String NEXT_WAITERS =
      """
      SELECT id, queue FROM baton_jobs WHERE state = 'BLOCKED' AND blocked_key = ?
      ORDER BY blocked_seq LIMIT ? FOR UPDATE
      """;
  private static final String WAKE =
      """
      UPDATE baton_jobs SET state = 'ENQUEUED', state_at = ?, wake_at = NULL, blocked_deadline = NULL
      WHERE id = ?
      """;
  // PostgreSQL: NEXT_WAITERS, limited to the free permits (limit - holders - woken), and WAKE.
  private static final String WAKE_FIRST_WAITERS =
      """
      WITH w AS (
        SELECT id FROM baton_jobs WHERE state = 'BLOCKED' AND blocked_key = ?
        ORDER BY blocked_seq
        LIMIT GREATEST(0, ?
          - (SELECT COUNT(*) FROM baton_permit_holders WHERE permit_key = ?)
          - (SELECT COUNT(*) FROM baton_jobs WHERE state = 'ENQUEUED' AND blocked_key = ?))
        FOR UPDATE)
      UPDATE baton_jobs j SET state = 'ENQUEUED', state_at = ?, wake_at = NULL,
        blocked_deadline = NULL
      FROM w WHERE j.id = w.id
      RETURNING j.id, j.queue
      """;
  private static final String RELEASE_UNIQUE =
      "DELETE FROM baton_unique_keys WHERE unique_key = ? AND job_id = ?";
  private static final String CHILDREN =
      "SELECT "
          + JobRow.COLUMNS
          + " FROM baton_jobs WHERE parent_id = ? AND state = 'AWAITING' FOR UPDATE";
  private static final String START_CHILD =
      """
      UPDATE baton_jobs SET state = ?, state_at = ?, queue_pos = nextval('baton_queue_seq')
      WHERE id = ?
      """;
  private static final String DELETE_ROW =
      """
      UPDATE baton_jobs SET state = 'DELETED', owner = NULL, state_at = ?, expire_at = ?, run_at = NULL,
        blocked_key = NULL, blocked_seq = NULL, blocked_since = NULL, blocked_deadline = NULL,
        wake_at = NULL
      WHERE id = ?
      """;

  private Moves() {}

  static JobRow lock(Tx tx, JobId id) throws SQLException {
    try (PreparedStatement ps = tx.prepare(JobRow.SELECT_FOR_UPDATE)) {
      ps.setObject(1, id.value());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? JobRow.read(rs) : null;
      }
    }
  }

  /**
   * Gives back the job's semaphore permits: all of them if {@code force} or the target is final,
   * else only under {@link ReleasePolicy#ON_LEAVE_PROCESSING}. Frees as many waiters as permits.
   */
  static void releasePermits(Tx tx, JobRow job, JobState target, boolean force, JobId by)
      throws SQLException {
    List<Permit> semaphores =
        job.concurrency().permits().stream()
            .filter(p -> !p.isRate())
            .sorted(java.util.Comparator.comparing(Permit::key))
            .toList();
    if (semaphores.isEmpty()) {
      return;
    }
    boolean release =
        force
            || target.isFinal()
            || job.concurrency().releasePolicy() == ReleasePolicy.ON_LEAVE_PROCESSING;
    if (!release) {
      return;
    }
    lockPermits(tx, semaphores.stream().map(Permit::key).toList());
    for (Permit p : semaphores) {
      if (tx.update(RELEASE_HOLDERS, job.id().value(), p.key()) > 0) {
        wakeWaiters(tx, p, by);
      }
    }
  }

  /** Locks the permit rows of {@code sortedKeys} in key order, unless this transaction has. */
  static void lockPermits(Tx tx, List<String> sortedKeys) throws SQLException {
    if (tx.lockedPermits.containsAll(sortedKeys)) {
      return; // a finish group locks every key up front; its jobs' releases need not again
    }
    try (PreparedStatement ps = tx.prepare(LOCK_PERMITS)) {
      ps.setArray(1, tx.strings(sortedKeys));
      ps.executeQuery().close();
    }
    tx.lockedPermits.addAll(sortedKeys);
  }

  /** Moves the first waiters of a semaphore key to ENQUEUED, as many as there are free permits. */
  static void wakeWaiters(Tx tx, Permit permit, JobId releasedBy) throws SQLException {
    List<JobId> woken = new ArrayList<>();
    List<String> queues = new ArrayList<>();
    if (tx.dialect == Dialect.POSTGRES) {
      // One round trip instead of four: a mutex hand-over is on the critical path of its chain.
      try (PreparedStatement ps = tx.prepare(WAKE_FIRST_WAITERS)) {
        Sql.bind(ps, permit.key(), permit.limit(), permit.key(), permit.key(), tx.now());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            woken.add(Sql.jobId(rs, "id"));
            queues.add(rs.getString("queue"));
          }
        }
      }
    } else {
      findWaitersToWake(tx, permit, woken, queues);
      for (JobId id : woken) {
        tx.update(WAKE, tx.now(), id);
      }
    }
    for (int i = 0; i < woken.size(); i++) {
      tx.history(
          woken.get(i),
          JobState.ENQUEUED,
          null,
          null,
          "permit "
              + permit.key()
              + " released"
              + (releasedBy == null ? "" : " by job " + releasedBy));
      tx.jobsAvailable(queues.get(i));
    }
  }

  private static void findWaitersToWake(
      Tx tx, Permit permit, List<JobId> woken, List<String> queues) throws SQLException {
    long free =
        permit.limit()
            - count(tx, HOLDER_COUNT, permit.key())
            - count(tx, WOKEN_COUNT, permit.key());
    if (free <= 0) {
      return;
    }
    try (PreparedStatement ps = tx.prepare(NEXT_WAITERS)) {
      ps.setString(1, permit.key());
      ps.setLong(2, free);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          woken.add(Sql.jobId(rs, "id"));
          queues.add(rs.getString("queue"));
        }
      }
    }
  }

  private static long count(Tx tx, String sql, String key) throws SQLException {
    try (PreparedStatement ps = tx.prepare(sql)) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Releases the job's uniqueness key, unless it is held for a fixed time (TTL). */
  static void releaseUnique(Tx tx, JobRow job) throws SQLException {
    Uniqueness u = job.spec().unique();
    if (u != null && u.hold() != Uniqueness.Hold.TTL) {
      tx.update(RELEASE_UNIQUE, u.key(), job.id().value());
    }
  }

  /** The parent reached a final state: start, or delete, its waiting continuations. */
  static void decideContinuations(Tx tx, JobRow parent, JobState parentState, Instant expireAt)
      throws SQLException {
    BatchOps.moved(tx, parent, parentState);
    if (!parent.hasChildren()) {
      return;
    }
    List<JobRow> children = new ArrayList<>();
    try (PreparedStatement ps = tx.prepare(CHILDREN)) {
      ps.setObject(1, parent.id().value());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          children.add(JobRow.read(rs));
        }
      }
    }
    for (JobRow child : children) {
      ContinuationCondition on = child.spec().continueOn();
      if (on == ContinuationCondition.ON_ANY_FINAL || parentState == JobState.SUCCEEDED) {
        startAwaiting(tx, child, "parent " + parent.id() + " is " + parentState);
      } else if (parentState == JobState.DELETED) {
        deleteRow(tx, child, "parent " + parent.id() + " was deleted", expireAt, null);
      }
    }
  }

  /** An AWAITING job (locked) starts: ENQUEUED, or SCHEDULED if its run time is ahead. */
  static void startAwaiting(Tx tx, JobRow job, String reason) throws SQLException {
    boolean later = job.runAt() != null && job.runAt().isAfter(tx.now());
    JobState next = later ? JobState.SCHEDULED : JobState.ENQUEUED;
    tx.update(START_CHILD, next.name(), tx.now(), job.id());
    tx.history(job.id(), next, null, null, reason);
    if (next == JobState.ENQUEUED) {
      tx.jobsAvailable(job.queue());
    }
  }

  /**
   * Moves a job (already locked) to DELETED with everything that goes with it: permits, waiter
   * line, lease, uniqueness key, continuations.
   */
  static void deleteRow(Tx tx, JobRow job, String reason, Instant expireAt, String serverId)
      throws SQLException {
    tx.update(DELETE_ROW, tx.now(), expireAt, job.id());
    tx.history(job.id(), JobState.DELETED, serverId, null, reason);
    boolean runOutlivesIt; // its permits stay with the run until it ends (PreviousRunOps)
    if (job.state() == JobState.PROCESSING) {
      tx.revoked(job.owner(), job.id(), job.token());
      runOutlivesIt = PreviousRunOps.keep(tx, job) != null;
    } else {
      runOutlivesIt = PreviousRunOps.waits(job);
    }
    if (!runOutlivesIt) {
      releasePermits(tx, job, JobState.DELETED, true, job.id());
    }
    releaseUnique(tx, job);
    decideContinuations(tx, job, JobState.DELETED, expireAt);
  }
}
