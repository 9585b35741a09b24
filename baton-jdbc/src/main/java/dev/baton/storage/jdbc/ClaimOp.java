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
  // Parameters: the transaction's time if known (else the clock is read), whether to set
  // synchronous_commit off for this transaction, queue, after, limit, owner, server, reason, and
  // the server whose last beat the claim renews (null: none). The renewal is ServerOps.RENEW: a
  // claim is proof of life. Only the one-statement claim in auto-commit (quickClaim) renews here; a
  // claim in a transaction passes null and its caller renews after the commit
  // (ServerOps.renewAlone): the server row must not stay locked until a commit that a frozen
  // server may never send.
  private static final String CLAIM_CTES =
      """
      WITH t AS MATERIALIZED (
        SELECT COALESCE(CAST(? AS timestamptz), clock_timestamp()) AS ts,
          current_setting('synchronous_commit') AS prev),
      s AS MATERIALIZED (
        SELECT CASE WHEN ? THEN set_config('synchronous_commit', 'off', true) END AS v FROM t),
      c AS MATERIALIZED (
        SELECT\s"""
          + JobRow.COLUMNS
          + """
         FROM baton_jobs WHERE state = 'ENQUEUED' AND queue = ? AND queue_pos > ?
        ORDER BY queue_pos LIMIT ? FOR UPDATE SKIP LOCKED),
      u AS (
        UPDATE baton_jobs j SET state = 'PROCESSING', owner = ?,
          fencing_token = j.fencing_token + 1, state_at = t.ts, run_at = NULL, blocked_key = NULL,
          blocked_seq = NULL, blocked_since = NULL, blocked_deadline = NULL, wake_at = NULL
        FROM c, t WHERE j.id = c.id AND c.concurrency_json IS NULL
        RETURNING j.id, j.unique_key, j.unique_hold),
      k AS (
        DELETE FROM baton_unique_keys q USING u
        WHERE u.unique_hold = 'UNTIL_START' AND q.unique_key = u.unique_key AND q.job_id = u.id),
      h AS (
        INSERT INTO baton_history (job_id, state, at, server_id, reason)
        SELECT u.id, 'PROCESSING', t.ts, ?, ? FROM u, t),
      b AS (
        UPDATE baton_servers v SET last_beat = t.ts FROM t
        WHERE v.last_beat < t.ts AND v.id IN (
          SELECT id FROM baton_servers WHERE id = CAST(? AS VARCHAR(200)) FOR UPDATE SKIP LOCKED))
      """;
  private static final String CLAIM_RESULT =
      """
      SELECT c.*, t.ts, s.v, u.id IS NOT NULL, t.prev,
        CAST(EXTRACT(EPOCH FROM date_trunc('second', c.created_at)) AS BIGINT) * 1000000
          + CAST(EXTRACT(MICROSECONDS FROM c.created_at) AS BIGINT) % 1000000
      FROM c CROSS JOIN t CROSS JOIN s LEFT JOIN u ON u.id = c.id
      ORDER BY c.queue_pos
      """;
  static final String CLAIM_SIMPLE = CLAIM_CTES + CLAIM_RESULT;

  /** CLAIM_SIMPLE that also withdraws the server's offer and may leave a new one. */
  private static final String CLAIM_OFFER = CLAIM_CTES + OfferOps.CLAIM_CTES + CLAIM_RESULT;

  /**
   * The column of {@code t.ts} in CLAIM_SIMPLE's result; s.v, leased, t.prev and created_at in
   * microseconds (cheaper to read than a timestamp) follow it.
   */
  private static final int TS_COLUMN = JobRow.COLUMN_COUNT + 1;

  private static final String RESTORE_SYNC_COMMIT =
      "SELECT set_config('synchronous_commit', ?, true)";
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
  // PostgreSQL: LEASE with the history rows in the same statement, and, if asked, back to the
  // synchronous_commit the transaction had before the claim statement set it off (a permit was
  // granted, or a waiter parked: the commit waits for the flush after all). Parameters: restore?,
  // previous setting, owner, time, ids, then history time, server and reason.
  private static final String LEASE_PG =
      """
      WITH r AS (SELECT CASE WHEN ? THEN set_config('synchronous_commit', ?, true) END AS v),
      u AS (
        UPDATE baton_jobs SET state = 'PROCESSING', owner = ?, fencing_token = fencing_token + 1,
          state_at = ?, run_at = NULL, blocked_key = NULL, blocked_seq = NULL,
          blocked_since = NULL, blocked_deadline = NULL, wake_at = NULL
        FROM r WHERE id = ANY(?)
        RETURNING id)
      INSERT INTO baton_history (job_id, state, at, server_id, reason)
      SELECT u.id, 'PROCESSING', ?, ?, ? FROM u
      """;
  private static final String RELEASE_UNTIL_START =
      "DELETE FROM baton_unique_keys WHERE unique_key = ? AND job_id = ?";

  private ClaimOp() {}

  static List<LeasedJob> claim(
      Tx tx, String serverId, List<String> queues, int max, boolean asyncCommit)
      throws SQLException {
    List<LeasedJob> leased = new ArrayList<>();
    for (String queue : queues) {
      // Each round reads past the previous one: a candidate left alone (its permit rows were busy)
      // stays locked by this transaction, and SKIP LOCKED does not skip one's own locks.
      long after = Long.MIN_VALUE;
      while (leased.size() < max) {
        int want = max - leased.size();
        java.util.Set<JobId> leasedAlready = new java.util.HashSet<>();
        List<JobRow> candidates =
            tx.dialect == Dialect.H2
                ? peekAndLock(tx, queue, after, want)
                : claimSimple(
                    tx, serverId, queue, after, want, asyncCommit, leasedAlready, null, false);
        if (candidates.isEmpty()) {
          break;
        }
        after = candidates.get(candidates.size() - 1).queuePos();
        List<JobRow> rest =
            leasedAlready.isEmpty()
                ? candidates
                : candidates.stream().filter(r -> !leasedAlready.contains(r.id())).toList();
        tx.admissionRan |= !rest.isEmpty();
        Admission admission = rest.isEmpty() ? null : new Admission(tx, rest, tx.lockedPermits);
        List<JobRow> admitted = admission == null ? List.of() : admission.admit();
        lease(tx, serverId, admitted);
        admitted.forEach(r -> leasedAlready.add(r.id()));
        for (JobRow row : candidates) {
          if (leasedAlready.contains(row.id())) {
            leased.add(leasedJob(row, serverId));
          }
        }
        if (candidates.size() < want || (admission != null && admission.deferred())) {
          break;
        }
      }
    }
    if (tx.asyncCommit && tx.durableMove) {
      // Admission parked, rescheduled or deleted a job: that commit waits for the flush after all.
      try (PreparedStatement ps = tx.prepare(RESTORE_SYNC_COMMIT)) {
        ps.setString(1, tx.previousSyncCommit);
        ps.executeQuery().close();
      }
    }
    return leased;
  }

  /** What {@link #quickClaim} leased, and the queues still to be claimed from (maybe none). */
  record Quick(
      List<LeasedJob> leased, List<JobId> candidates, List<String> rest, boolean admissionNeeded) {

    /**
     * This claim's leases followed by those of the transaction that claimed the {@link #rest}, in
     * queue order: its candidates' order first.
     */
    List<LeasedJob> and(List<LeasedJob> more) {
      java.util.Map<JobId, LeasedJob> byId = new java.util.LinkedHashMap<>();
      for (LeasedJob j : leased) {
        byId.put(j.lease().jobId(), j);
      }
      List<LeasedJob> all = new ArrayList<>(leased.size() + more.size());
      java.util.Set<JobId> placed = new java.util.HashSet<>();
      for (JobId id : candidates) {
        LeasedJob j = byId.get(id);
        if (j == null) {
          j = more.stream().filter(m -> m.lease().jobId().equals(id)).findFirst().orElse(null);
        }
        if (j != null) {
          all.add(j);
          placed.add(id);
        }
      }
      more.stream().filter(m -> !placed.contains(m.lease().jobId())).forEach(all::add);
      return all;
    }
  }

  /**
   * PostgreSQL, in auto-commit: the claim's statement for the first queue as its own transaction
   * (no BEGIN or COMMIT round trip: an idle server's claim, and most busy ones, are one round
   * trip). If a candidate needs admission, that queue is claimed from again in a transaction; so
   * are the other queues, if there is room left.
   */
  static Quick quickClaim(
      Tx tx,
      String serverId,
      List<String> queues,
      int max,
      boolean asyncCommit,
      OfferOps.Offer offer)
      throws SQLException {
    java.util.Set<JobId> leasedNow = new java.util.HashSet<>();
    List<JobRow> candidates =
        claimSimple(
            tx, serverId, queues.get(0), Long.MIN_VALUE, max, asyncCommit, leasedNow, offer, true);
    List<LeasedJob> leased = new ArrayList<>();
    for (JobRow row : candidates) {
      if (leasedNow.contains(row.id())) {
        leased.add(leasedJob(row, serverId));
      }
    }
    boolean admissionNeeded = leased.size() < candidates.size();
    boolean roomLeft = candidates.size() < max;
    List<String> rest =
        admissionNeeded ? queues : roomLeft ? queues.subList(1, queues.size()) : List.of();
    return new Quick(leased, candidates.stream().map(JobRow::id).toList(), rest, admissionNeeded);
  }

  private static LeasedJob leasedJob(JobRow row, String serverId) {
    return new LeasedJob(
        new Lease(row.id(), serverId, row.token() + 1), row.spec(), row.attempt(), row.createdAt());
  }

  /**
   * PostgreSQL: one statement locks the candidates, leases those without permits (the common case),
   * releases their until-start uniqueness keys and writes their history; it returns every candidate
   * in queue order, so that the ones with permits go through {@link Admission}. Leased rows are
   * read with the columns a lease needs only; their ids are added to {@code leased}. With an {@code
   * offer}, the same statement withdraws the server's offer and may leave a new one ({@link
   * OfferOps#CLAIM_CTES}). With {@code renew} (auto-commit only), the statement also renews the
   * server's last beat.
   */
  private static List<JobRow> claimSimple(
      Tx tx,
      String serverId,
      String queue,
      long after,
      int limit,
      boolean asyncCommit,
      java.util.Set<JobId> leased,
      OfferOps.Offer offer,
      boolean renew)
      throws SQLException {
    List<JobRow> rows = new ArrayList<>();
    try (PreparedStatement ps = tx.prepare(offer == null ? CLAIM_SIMPLE : CLAIM_OFFER)) {
      tx.bindNowIfKnown(ps, 1);
      ps.setBoolean(2, asyncCommit && !tx.asyncCommit);
      ps.setString(3, queue);
      ps.setLong(4, after);
      ps.setInt(5, limit);
      ps.setString(6, serverId);
      ps.setString(7, serverId);
      ps.setString(8, "claimed by " + serverId);
      ps.setString(9, renew && !tx.beatRenewed ? serverId : null);
      tx.beatRenewed |= renew;
      if (offer != null) {
        offer.bindClaim(tx, ps, 10);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (tx.nowIfKnown() == null) {
            tx.nowIs(Sql.instant(rs, TS_COLUMN));
          }
          if (rs.getString(TS_COLUMN + 1) != null && !tx.asyncCommit) {
            tx.asyncCommit = true;
            tx.previousSyncCommit = rs.getString(TS_COLUMN + 3);
          }
          if (rs.getBoolean(TS_COLUMN + 2)) {
            JobRow row = JobRow.readForLease(rs, TS_COLUMN + 4);
            leased.add(row.id());
            rows.add(row);
          } else {
            rows.add(JobRow.read(rs));
          }
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

  private static void lease(Tx tx, String serverId, List<JobRow> admitted) throws SQLException {
    if (admitted.isEmpty()) {
      return;
    }
    Instant now = tx.now();
    List<UUID> ids = admitted.stream().map(r -> r.id().value()).toList();
    String reason = "claimed by " + serverId;
    if (tx.dialect == Dialect.POSTGRES) {
      // History rows written so far go first (a job woken by this claim may be leased by it too).
      tx.flush();
      boolean restore = tx.asyncCommit && tx.durableMove;
      try (PreparedStatement ps = tx.prepare(LEASE_PG)) {
        Sql.bind(ps, restore, restore ? tx.previousSyncCommit : "on", serverId, now);
        ps.setArray(5, tx.uuids(ids));
        ps.setObject(6, Sql.ts(now));
        ps.setString(7, serverId);
        ps.setString(8, reason);
        ps.executeUpdate();
      }
      tx.asyncCommit &= !restore;
    } else {
      try (PreparedStatement ps = tx.prepare(LEASE)) {
        ps.setString(1, serverId);
        ps.setObject(2, Sql.ts(now));
        ps.setArray(3, tx.uuids(ids));
        ps.executeUpdate();
      }
      for (JobRow row : admitted) {
        tx.history(row.id(), JobState.PROCESSING, serverId, null, reason);
      }
    }
    for (JobRow row : admitted) {
      Uniqueness u = row.spec().unique();
      if (u != null && u.hold() == Uniqueness.Hold.UNTIL_START) {
        tx.update(RELEASE_UNTIL_START, u.key(), row.id());
      }
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
