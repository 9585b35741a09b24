package dev.baton.storage.jdbc;

import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.HeartbeatResult;
import dev.baton.storage.Lease;
import dev.baton.storage.RescuedServer;
import dev.baton.storage.ServerBeat;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Heartbeats, dead-server rescue and deregistration. */
final class ServerOps {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ServerOps.class);

  private static final String BEAT =
      "UPDATE baton_servers SET host = ?, queues = ?, workers = ?, last_beat = ? WHERE id = ?";
  private static final String REGISTER =
      """
      INSERT INTO baton_servers (id, host, queues, workers, started_at, last_beat)
      VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
      """;
  private static final String LEASES =
      "SELECT id, state, owner, fencing_token FROM baton_jobs WHERE id = ANY(?)";
  // The rescuer is alive (it asks): it is never among the silent, however late its own beat.
  private static final String SILENT =
      "SELECT id FROM baton_servers WHERE last_beat < ? AND id <> ?";
  private static final String LOCK_SILENT =
      """
      SELECT last_beat FROM baton_servers WHERE id = ? AND last_beat < ? AND id <> ?
      FOR UPDATE SKIP LOCKED
      """;

  /**
   * A claim or a finish is proof of life: the last beat of its (registered) servers becomes the
   * storage's time, in a statement of its own ({@link #renewAlone}) or in a claim that is one
   * auto-commit statement ({@code ClaimOp.CLAIM_CTES}). SKIP LOCKED: a row locked now is being
   * renewed by another call of the same server (its heartbeat, claim or finish), or examined by a
   * rescuer, which would have found it alive had it waited; a busy server's calls never queue
   * behind each other on their server row.
   */
  static final String RENEW =
      """
      UPDATE baton_servers SET last_beat = CASE WHEN last_beat < ? THEN ? ELSE last_beat END
      WHERE id IN (SELECT id FROM baton_servers WHERE id = ANY(?) FOR UPDATE SKIP LOCKED)
      """;

  private static final String REMOVE = "DELETE FROM baton_servers WHERE id = ?";
  private static final String OWNED =
      "SELECT "
          + JobRow.COLUMNS
          + " FROM baton_jobs WHERE state = 'PROCESSING' AND owner = ? ORDER BY queue_pos FOR UPDATE";
  private static final String TO_HEAD =
      """
      UPDATE baton_jobs SET state = 'ENQUEUED', owner = NULL, state_at = ?,
        queue_pos = -nextval('baton_head_seq')
      WHERE id = ?
      """;
  private static final String RELEASE =
      "UPDATE baton_jobs SET state = 'ENQUEUED', owner = NULL, state_at = ? WHERE id = ?";

  private ServerOps() {}

  static HeartbeatResult heartbeat(Tx tx, ServerBeat beat) throws SQLException {
    Instant now = tx.now();
    String queues = String.join(",", beat.queues());
    boolean known = tx.update(BEAT, beat.host(), queues, beat.workers(), now, beat.serverId()) == 1;
    if (!known) {
      tx.update(REGISTER, beat.serverId(), beat.host(), queues, beat.workers(), now, now);
    }
    List<JobId> revoked = new ArrayList<>();
    if (!beat.running().isEmpty()) {
      record Held(String state, String owner, long token) {}
      Map<JobId, Held> rows = new HashMap<>();
      List<UUID> ids = beat.running().stream().map(l -> l.jobId().value()).distinct().toList();
      try (PreparedStatement ps = tx.prepare(LEASES)) {
        ps.setArray(1, tx.uuids(ids));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows.put(
                Sql.jobId(rs, "id"),
                new Held(
                    rs.getString("state"), rs.getString("owner"), rs.getLong("fencing_token")));
          }
        }
      }
      for (Lease lease : beat.running()) {
        Held h = rows.get(lease.jobId());
        boolean holds =
            h != null
                && "PROCESSING".equals(h.state())
                && lease.serverId().equals(h.owner())
                && beat.serverId().equals(h.owner())
                && h.token() == lease.token();
        if (!holds && !revoked.contains(lease.jobId())) {
          revoked.add(lease.jobId());
        }
      }
    }
    return new HeartbeatResult(now, known, revoked);
  }

  /**
   * Renews the last beat of {@code serverIds} that are registered, as a statement of its own in
   * auto-commit, after the call's transaction has committed. Never inside a multi-statement
   * transaction: the UPDATE locks the server row until the commit, and a server frozen (or cut off)
   * before its commit would keep it locked; the rescue ({@code LOCK_SILENT}, SKIP LOCKED) would
   * then skip that server forever and its jobs would stay stuck. Renewed after the work, the beat
   * is still later than the call's send time, which is what the core counts as the proof of life.
   * Best effort: the work is committed, so a failed renewal is only logged (the next heartbeat
   * renews the beat).
   */
  static void renewAlone(Database db, List<String> serverIds) {
    if (serverIds.isEmpty()) {
      return;
    }
    try {
      db.autocommit("renew", tx -> renew(tx, serverIds));
    } catch (RuntimeException e) {
      log.debug("renewing the last beat of {} after a claim or finish failed", serverIds, e);
    }
  }

  /** The {@link #RENEW} statement, once per {@code tx}; run it in auto-commit only. */
  private static Void renew(Tx tx, List<String> serverIds) throws SQLException {
    if (tx.beatRenewed) {
      return null;
    }
    Instant now = tx.now();
    try (PreparedStatement ps = tx.prepare(RENEW)) {
      ps.setObject(1, Sql.ts(now));
      ps.setObject(2, Sql.ts(now));
      ps.setArray(3, tx.strings(serverIds));
      ps.executeUpdate();
    }
    tx.beatRenewed = true;
    return null;
  }

  static List<String> silentServers(Tx tx, Duration timeout, String rescuerId) throws SQLException {
    List<String> ids = new ArrayList<>();
    try (PreparedStatement ps = tx.prepare(SILENT)) {
      Sql.bind(ps, tx.now().minus(timeout), rescuerId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
    }
    return ids;
  }

  /** Declares one server dead, if it is still silent, and requeues its jobs at the head. */
  static RescuedServer rescue(Tx tx, String serverId, Duration timeout, String rescuerId)
      throws SQLException {
    Instant lastBeat;
    try (PreparedStatement ps = tx.prepare(LOCK_SILENT)) {
      Sql.bind(ps, serverId, tx.now().minus(timeout), rescuerId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        lastBeat = Sql.instant(rs, 1);
      }
    }
    tx.update(REMOVE, serverId);
    OfferOps.forget(tx, serverId);
    List<JobRow> jobs = owned(tx, serverId);
    List<JobId> requeued = new ArrayList<>();
    // Latest first, so that the earliest ends up first: each goes in front of the previous one.
    for (int i = jobs.size() - 1; i >= 0; i--) {
      JobRow job = jobs.get(i);
      tx.update(TO_HEAD, tx.now(), job.id());
      tx.history(
          job.id(),
          JobState.ENQUEUED,
          rescuerId,
          null,
          "rescued by " + rescuerId + ": server " + serverId + " was silent since " + lastBeat);
      tx.revoked(serverId, job.id(), job.token());
      Moves.releasePermits(tx, job, JobState.ENQUEUED, true, job.id());
      tx.jobsAvailable(job.queue());
      requeued.add(0, job.id());
    }
    PreviousRunOps.endAll(
        tx, serverId, "server " + serverId + " was declared dead by " + rescuerId);
    return new RescuedServer(serverId, lastBeat, requeued);
  }

  static List<JobId> deregister(Tx tx, String serverId, String reason) throws SQLException {
    tx.update(REMOVE, serverId);
    OfferOps.forget(tx, serverId);
    List<JobId> released = new ArrayList<>();
    for (JobRow job : owned(tx, serverId)) {
      tx.update(RELEASE, tx.now(), job.id());
      tx.history(job.id(), JobState.ENQUEUED, serverId, null, reason);
      Moves.releasePermits(tx, job, JobState.ENQUEUED, false, job.id());
      tx.jobsAvailable(job.queue());
      released.add(job.id());
    }
    PreviousRunOps.endAll(tx, serverId, "server " + serverId + " deregistered (" + reason + ")");
    return released;
  }

  private static List<JobRow> owned(Tx tx, String serverId) throws SQLException {
    List<JobRow> jobs = new ArrayList<>();
    try (PreparedStatement ps = tx.prepare(OWNED)) {
      ps.setString(1, serverId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          jobs.add(JobRow.read(rs));
        }
      }
    }
    return jobs;
  }
}
