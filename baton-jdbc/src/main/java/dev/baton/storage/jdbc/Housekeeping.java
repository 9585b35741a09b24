package dev.baton.storage.jdbc;

import dev.baton.concurrency.Permit;
import dev.baton.concurrency.WaitPolicy;
import dev.baton.state.JobState;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The time-driven moves ({@code promoteDue}) and retention ({@code purgeExpired}). */
final class Housekeeping {
  /** Retention deletes at most this many jobs per transaction, so it never holds long locks. */
  static final int PURGE_BATCH = 500;

  static final String DUE =
      """
      SELECT id, queue FROM baton_jobs WHERE state = 'SCHEDULED' AND run_at <= ?
      ORDER BY run_at LIMIT ? FOR UPDATE SKIP LOCKED
      """;
  private static final String PROMOTE =
      """
      UPDATE baton_jobs SET state = 'ENQUEUED', state_at = ?, run_at = NULL,
        queue_pos = nextval('baton_queue_seq')
      WHERE id = ?
      """;
  private static final String TIMED_OUT =
      "SELECT "
          + JobRow.COLUMNS
          + """
           FROM baton_jobs WHERE state = 'BLOCKED' AND blocked_deadline <= ?
          ORDER BY blocked_deadline LIMIT ? FOR UPDATE SKIP LOCKED
          """;
  private static final String GIVE_UP =
      """
      UPDATE baton_jobs SET state = 'FAILED', state_at = ?, blocked_key = NULL, blocked_seq = NULL,
        blocked_since = NULL, blocked_deadline = NULL, wake_at = NULL
      WHERE id = ?
      """;
  private static final String WINDOW_DUE =
      "SELECT "
          + JobRow.COLUMNS
          + """
           FROM baton_jobs WHERE state = 'BLOCKED' AND wake_at <= ?
          ORDER BY blocked_seq LIMIT ? FOR UPDATE SKIP LOCKED
          """;
  private static final String COUNT_STARTS =
      "SELECT COUNT(*) FROM baton_rate_starts WHERE permit_key = ? AND started_at >= ?";
  private static final String WAKE =
      "UPDATE baton_jobs SET state = 'ENQUEUED', state_at = ?, wake_at = NULL WHERE id = ?";
  private static final String EXPIRED =
      """
      SELECT id FROM baton_jobs j WHERE expire_at <= ?
        AND NOT EXISTS (SELECT 1 FROM baton_previous_runs r WHERE r.job_id = j.id)
      ORDER BY expire_at LIMIT ? FOR UPDATE SKIP LOCKED
      """;
  private static final String[] PURGE = {
    "DELETE FROM baton_history WHERE job_id = ANY(?)",
    "DELETE FROM baton_logs WHERE job_id = ANY(?)",
    "DELETE FROM baton_permit_holders WHERE job_id = ANY(?)",
    "DELETE FROM baton_jobs WHERE id = ANY(?)"
  };
  private static final String PURGE_UNIQUE =
      """
      DELETE FROM baton_unique_keys WHERE unique_key IN
        (SELECT unique_key FROM baton_unique_keys WHERE expire_at <= ? LIMIT 500)
      """;
  private static final String PURGE_STARTS =
      "DELETE FROM baton_rate_starts WHERE id IN (SELECT id FROM baton_rate_starts WHERE expire_at <= ? LIMIT 500)";

  private Housekeeping() {}

  static int promoteScheduled(Tx tx, int max) throws SQLException {
    List<UUID> ids = new ArrayList<>();
    List<String> queues = new ArrayList<>();
    try (PreparedStatement ps = tx.prepare(DUE)) {
      Sql.bind(ps, tx.now(), max);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getObject(1, UUID.class));
          queues.add(rs.getString(2));
        }
      }
    }
    try (PreparedStatement ps = tx.prepare(PROMOTE)) {
      for (UUID id : ids) {
        Sql.bind(ps, tx.now(), id);
        ps.addBatch();
      }
      if (!ids.isEmpty()) {
        ps.executeBatch();
      }
    }
    for (int i = 0; i < ids.size(); i++) {
      tx.history(
          new dev.baton.job.JobId(ids.get(i)), JobState.ENQUEUED, null, null, "run time reached");
      tx.jobsAvailable(queues.get(i));
    }
    return ids.size();
  }

  /** BLOCKED jobs parked longer than their max wait: FAILED or DELETED, with the reason. */
  static int expireWaits(Tx tx, int max) throws SQLException {
    List<JobRow> rows = rows(tx, TIMED_OUT, max);
    for (JobRow row : rows) {
      WaitPolicy policy = row.concurrency().waitPolicy();
      String reason =
          "waited longer than "
              + policy.maxWait()
              + " for "
              + row.blockedKey()
              + " since "
              + row.blockedSince();
      if (policy.onTimeout() == WaitPolicy.TimeoutAction.DELETE) {
        Moves.deleteRow(tx, row, reason, tx.now().plus(Moves.SYSTEM_RETENTION), null);
      } else {
        tx.update(GIVE_UP, tx.now(), row.id());
        tx.history(row.id(), JobState.FAILED, null, null, reason);
        Moves.releaseUnique(tx, row);
        Moves.decideContinuations(tx, row, JobState.FAILED, null);
      }
    }
    return rows.size();
  }

  /** BLOCKED jobs behind a rate window that has rolled: as many per key as the window allows. */
  static int wakeRateWaiters(Tx tx, int max) throws SQLException {
    Map<String, List<JobRow>> byKey = new LinkedHashMap<>();
    for (JobRow row : rows(tx, WINDOW_DUE, max)) {
      byKey.computeIfAbsent(row.blockedKey(), k -> new ArrayList<>()).add(row);
    }
    int moved = 0;
    for (Map.Entry<String, List<JobRow>> e : byKey.entrySet()) {
      List<JobRow> waiters = e.getValue();
      Permit permit =
          waiters.get(0).concurrency().permits().stream()
              .filter(p -> p.key().equals(e.getKey()))
              .findFirst()
              .orElse(null);
      long room = waiters.size();
      if (permit != null && permit.isRate()) {
        Moves.lockPermits(tx, List.of(permit.key()));
        try (PreparedStatement ps = tx.prepare(COUNT_STARTS)) {
          Sql.bind(ps, permit.key(), Admission.windowStart(permit, tx.now()));
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            room = Math.max(1, permit.limit() - rs.getLong(1));
          }
        }
      }
      for (int i = 0; i < waiters.size() && i < room; i++) {
        JobRow row = waiters.get(i);
        tx.update(WAKE, tx.now(), row.id());
        tx.history(
            row.id(), JobState.ENQUEUED, null, null, "rate window of " + e.getKey() + " rolled");
        tx.jobsAvailable(row.queue());
        moved++;
      }
    }
    return moved;
  }

  private static List<JobRow> rows(Tx tx, String sql, int max) throws SQLException {
    List<JobRow> rows = new ArrayList<>();
    try (PreparedStatement ps = tx.prepare(sql)) {
      Sql.bind(ps, tx.now(), max);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(JobRow.read(rs));
        }
      }
    }
    return rows;
  }

  /** Deletes up to {@code max} expired jobs with their history and logs; returns how many. */
  static int purgeJobs(Tx tx, int max) throws SQLException {
    List<UUID> ids = new ArrayList<>();
    try (PreparedStatement ps = tx.prepare(EXPIRED)) {
      Sql.bind(ps, tx.now(), max);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getObject(1, UUID.class));
        }
      }
    }
    if (ids.isEmpty()) {
      return 0;
    }
    for (String sql : PURGE) {
      try (PreparedStatement ps = tx.prepare(sql)) {
        ps.setArray(1, tx.uuids(ids));
        ps.executeUpdate();
      }
    }
    return ids.size();
  }

  static void purgeKeys(Tx tx) throws SQLException {
    Instant now = tx.now();
    tx.update(PURGE_UNIQUE, now);
    tx.update(PURGE_STARTS, now);
    OfferOps.purgeExpired(tx);
  }
}
