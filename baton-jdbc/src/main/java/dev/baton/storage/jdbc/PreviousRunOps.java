package dev.baton.storage.jdbc;

import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.Lease;
import dev.baton.storage.ServerBeat;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A run outlives its state (see {@link dev.baton.storage.JobStorage}): the revoked runs that may
 * still be inside their handlers on a live server, in {@code baton_previous_runs}. Each keeps its
 * job's permits, and a requeued job waits BLOCKED for it (state BLOCKED with no {@code
 * blocked_key}), until the run ends: a refused finish under its lease, two heartbeats of its server
 * without it, its server's deregistration or rescue.
 */
final class PreviousRunOps {
  private static final String REGISTERED = "SELECT 1 FROM baton_servers WHERE id = ?";
  private static final String INSERT =
      "INSERT INTO baton_previous_runs (job_id, server_id, token, misses, since) VALUES (?, ?, ?, 0, ?)";
  private static final String OF_JOB =
      "SELECT server_id, token FROM baton_previous_runs WHERE job_id = ?";
  private static final String OF_SERVER =
      "SELECT job_id, token, misses FROM baton_previous_runs WHERE server_id = ? ORDER BY job_id";
  private static final String ANY_OF_SERVER =
      "SELECT 1 FROM baton_previous_runs WHERE server_id = ? LIMIT 1";
  private static final String MISSES = "UPDATE baton_previous_runs SET misses = ? WHERE job_id = ?";
  private static final String REMOVE = "DELETE FROM baton_previous_runs WHERE job_id = ?";
  private static final String TO_QUEUE =
      """
      UPDATE baton_jobs SET state = 'ENQUEUED', state_at = ?, blocked_since = NULL
      WHERE id = ? AND state = 'BLOCKED' AND blocked_key IS NULL
      """;

  private PreviousRunOps() {}

  /** Whether {@code row} is BLOCKED behind its own previous run (no permit key to wait for). */
  static boolean waits(JobRow row) {
    return row.state() == JobState.BLOCKED && row.blockedKey() == null;
  }

  /**
   * {@code row} (PROCESSING, locked) loses its lease: if its owner is registered, the run may still
   * be in its handler and becomes the job's previous run. Returns it, or null (owner unknown).
   */
  static Lease keep(Tx tx, JobRow row) throws SQLException {
    try (PreparedStatement ps = tx.prepare(REGISTERED)) {
      ps.setString(1, row.owner());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
      }
    }
    tx.update(INSERT, row.id().value(), row.owner(), row.token(), tx.now());
    return new Lease(row.id(), row.owner(), row.token());
  }

  /** The job's previous run, or null. */
  static Lease of(Tx tx, JobId id) throws SQLException {
    try (PreparedStatement ps = tx.prepare(OF_JOB)) {
      ps.setObject(1, id.value());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new Lease(id, rs.getString(1), rs.getLong(2)) : null;
      }
    }
  }

  /** "waits for its previous run (fencing token 3) on server a-1 to end". */
  static String waitText(Lease run) {
    return "waits for its previous run (fencing token "
        + run.token()
        + ") on server "
        + run.serverId()
        + " to end";
  }

  /** A finish under {@code lease} was refused: if it names the job's previous run, that ended. */
  static void returned(Tx tx, JobRow row, Lease lease) throws SQLException {
    if (row == null || row.state() == JobState.PROCESSING) {
      return; // a job with a previous run is never PROCESSING
    }
    if (lease.equals(of(tx, row.id()))) {
      end(tx, row, lease, "its handler returned");
    }
  }

  /** Whether {@code serverId} has previous runs: a heartbeat then looks at them. */
  static boolean any(Tx tx, String serverId) throws SQLException {
    try (PreparedStatement ps = tx.prepare(ANY_OF_SERVER)) {
      ps.setString(1, serverId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** A heartbeat: a previous run of its server missing from two beats in a row has ended. */
  static Void beaten(Tx tx, ServerBeat beat) throws SQLException {
    Set<Lease> listed = new HashSet<>();
    for (Lease l : beat.running()) {
      listed.add(new Lease(l.jobId(), beat.serverId(), l.token()));
    }
    for (Run r : runsOf(tx, beat.serverId())) {
      Lease run = new Lease(r.job(), beat.serverId(), r.token());
      if (listed.contains(run)) {
        if (r.misses() > 0) {
          tx.update(MISSES, 0, r.job().value());
        }
      } else if (r.misses() + 1 >= 2) {
        end(tx, run, "server " + beat.serverId() + " no longer runs it");
      } else {
        tx.update(MISSES, r.misses() + 1, r.job().value());
      }
    }
    return null;
  }

  /** The server is gone (deregistered, declared dead): none of its previous runs runs on. */
  static void endAll(Tx tx, String serverId, String why) throws SQLException {
    for (Run r : runsOf(tx, serverId)) {
      end(tx, new Lease(r.job(), serverId, r.token()), why);
    }
  }

  private static void end(Tx tx, Lease run, String why) throws SQLException {
    JobRow row = Moves.lock(tx, run.jobId());
    if (row == null) {
      tx.update(REMOVE, run.jobId().value());
      return;
    }
    end(tx, row, run, why);
  }

  /**
   * The previous run ended: its permits are released (waking waiters), and the job, if it waits for
   * that run, enters ENQUEUED at its place from the requeue (the tail at the time).
   */
  private static void end(Tx tx, JobRow row, Lease run, String why) throws SQLException {
    tx.update(REMOVE, row.id().value());
    Moves.releasePermits(tx, row, JobState.DELETED, true, row.id());
    if (waits(row) && tx.update(TO_QUEUE, tx.now(), row.id().value()) > 0) {
      tx.history(
          row.id(),
          JobState.ENQUEUED,
          null,
          null,
          "its previous run (fencing token "
              + run.token()
              + ") on server "
              + run.serverId()
              + " ended: "
              + why);
      tx.jobsAvailable(row.queue());
    }
  }

  private record Run(JobId job, long token, int misses) {}

  private static List<Run> runsOf(Tx tx, String serverId) throws SQLException {
    List<Run> runs = new ArrayList<>();
    try (PreparedStatement ps = tx.prepare(OF_SERVER)) {
      ps.setString(1, serverId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          runs.add(new Run(Sql.jobId(rs, "job_id"), rs.getLong("token"), rs.getInt("misses")));
        }
      }
    }
    return runs;
  }
}
