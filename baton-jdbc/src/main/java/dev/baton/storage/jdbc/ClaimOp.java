package dev.baton.storage.jdbc;

import dev.baton.concurrency.Permit;
import dev.baton.concurrency.Uniqueness;
import dev.baton.concurrency.WaitPolicy;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.Lease;
import dev.baton.storage.LeasedJob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code claim}: candidates are read with {@code FOR UPDATE SKIP LOCKED} (both databases support
 * it), so concurrent claimers never wait for each other's candidates; permits are admitted in the
 * same transaction by {@link Admission}; everything admitted is leased with one UPDATE and one
 * batched history insert.
 */
final class ClaimOp {
  private static final String CANDIDATES =
      "SELECT "
          + JobRow.COLUMNS
          + """
           FROM baton_jobs WHERE state = 'ENQUEUED' AND queue = ? AND queue_pos > ?
          ORDER BY queue_pos LIMIT ? FOR UPDATE SKIP LOCKED
          """;
  // H2 locks every row a FOR UPDATE query reads before it applies LIMIT: it would lock the whole
  // queue. So on H2 the candidates are first read without locks, a page at a time, then locked by
  // id.
  private static final String PEEK =
      """
      SELECT id FROM baton_jobs WHERE state = 'ENQUEUED' AND queue = ? AND queue_pos > ?
      ORDER BY queue_pos LIMIT ?
      """;
  private static final String LOCK_PEEKED =
      "SELECT "
          + JobRow.COLUMNS
          + """
           FROM baton_jobs WHERE id = ANY(?) AND state = 'ENQUEUED'
          ORDER BY queue_pos FOR UPDATE SKIP LOCKED
          """;
  private static final String POS_OF = "SELECT queue_pos FROM baton_jobs WHERE id = ?";
  private static final String LEASE =
      """
      UPDATE baton_jobs SET state = 'PROCESSING', owner = ?, fencing_token = fencing_token + 1,
        state_at = ?, run_at = NULL, blocked_key = NULL, blocked_seq = NULL, blocked_since = NULL,
        blocked_deadline = NULL, wake_at = NULL
      WHERE id = ANY(?)
      """;
  private static final String RELEASE_UNTIL_START =
      "DELETE FROM baton_unique_keys WHERE unique_key = ? AND job_id = ?";

  private ClaimOp() {}

  static List<LeasedJob> claim(Tx tx, String serverId, List<String> queues, int max)
      throws SQLException {
    List<LeasedJob> leased = new ArrayList<>();
    java.util.Set<String> lockedPermits = new java.util.HashSet<>();
    for (String queue : queues) {
      // Each round reads past the previous one: a candidate left alone (its permit rows were busy)
      // stays locked by this transaction, and SKIP LOCKED does not skip one's own locks.
      long after = Long.MIN_VALUE;
      while (leased.size() < max) {
        int want = max - leased.size();
        List<JobRow> candidates = candidates(tx, queue, after, want);
        if (candidates.isEmpty()) {
          break;
        }
        after = candidates.get(candidates.size() - 1).queuePos();
        List<JobRow> admitted = new Admission(tx, candidates, lockedPermits).admit();
        lease(tx, serverId, admitted, leased);
        if (candidates.size() < want) {
          break;
        }
      }
    }
    return leased;
  }

  private static List<JobRow> candidates(Tx tx, String queue, long after, int limit)
      throws SQLException {
    if (tx.dialect == Dialect.H2) {
      return peekAndLock(tx, queue, after, limit);
    }
    List<JobRow> rows = new ArrayList<>();
    try (PreparedStatement ps = tx.prepare(CANDIDATES)) {
      ps.setString(1, queue);
      ps.setLong(2, after);
      ps.setInt(3, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(JobRow.read(rs));
        }
      }
    }
    return rows;
  }

  private static List<JobRow> peekAndLock(Tx tx, String queue, long after, int limit)
      throws SQLException {
    List<JobRow> rows = new ArrayList<>();
    int page = Math.max(16, limit * 2);
    while (rows.size() < limit) {
      List<UUID> ids = new ArrayList<>();
      try (PreparedStatement ps = tx.prepare(PEEK)) {
        Sql.bind(ps, queue, after, page);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ids.add(rs.getObject(1, UUID.class));
          }
        }
      }
      if (ids.isEmpty()) {
        break;
      }
      try (PreparedStatement ps = tx.prepare(LOCK_PEEKED)) {
        ps.setArray(1, tx.uuids(ids));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next() && rows.size() < limit) {
            rows.add(JobRow.read(rs));
          }
        }
      }
      if (ids.size() < page) {
        break;
      }
      try (PreparedStatement ps = tx.prepare(POS_OF)) {
        ps.setObject(1, ids.get(ids.size() - 1));
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            break;
          }
          after = rs.getLong(1);
        }
      }
    }
    return rows;
  }

  private static void lease(Tx tx, String serverId, List<JobRow> admitted, List<LeasedJob> out)
      throws SQLException {
    if (admitted.isEmpty()) {
      return;
    }
    Instant now = tx.now();
    List<UUID> ids = admitted.stream().map(r -> r.id().value()).toList();
    try (PreparedStatement ps = tx.prepare(LEASE)) {
      ps.setString(1, serverId);
      ps.setObject(2, Sql.ts(now));
      ps.setArray(3, tx.uuids(ids));
      ps.executeUpdate();
    }
    for (JobRow row : admitted) {
      Uniqueness u = row.spec().unique();
      if (u != null && u.hold() == Uniqueness.Hold.UNTIL_START) {
        tx.update(RELEASE_UNTIL_START, u.key(), row.id());
      }
      tx.history(row.id(), JobState.PROCESSING, serverId, null, "claimed by " + serverId);
      out.add(
          new LeasedJob(
              new Lease(row.id(), serverId, row.token() + 1),
              row.spec(),
              row.attempt(),
              row.createdAt()));
    }
  }

  /** Describes why a permit is busy, for the history and the dashboard. */
  static String describe(Permit p, List<JobId> holders, int used, Instant wakeAt) {
    return switch (p.kind()) {
      case SEMAPHORE ->
          (p.limit() == 1
                  ? "mutex " + p.key()
                  : "semaphore " + p.key() + " (" + used + "/" + p.limit() + ")")
              + (holders.isEmpty() ? " (earlier waiters first)" : ", held by job " + join(holders));
      case RATE_FIXED, RATE_SLIDING ->
          "rate limit "
              + p.key()
              + " ("
              + p.limit()
              + " per "
              + p.window()
              + ")"
              + (wakeAt == null ? "" : ", window frees at " + wakeAt);
    };
  }

  private static String join(List<JobId> ids) {
    return String.join(", ", ids.stream().map(JobId::toString).toList());
  }

  static boolean waits(WaitPolicy policy) {
    return policy.mode() == WaitPolicy.Mode.WAIT;
  }
}
