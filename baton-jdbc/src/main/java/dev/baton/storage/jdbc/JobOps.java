package dev.baton.storage.jdbc;

import dev.baton.concurrency.Permit;
import dev.baton.job.JobId;
import dev.baton.state.ExceptionInfo;
import dev.baton.state.JobState;
import dev.baton.state.StateEntry;
import dev.baton.storage.BlockInfo;
import dev.baton.storage.JobRecord;
import dev.baton.storage.Lease;
import dev.baton.storage.LogLine;
import dev.baton.storage.RunOutcome;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reading one job, and the moves a client or a worker makes on one job. */
final class JobOps {
  private static final String HISTORY =
      """
      SELECT state, at, server_id, worker, reason, error_type, error_message, error_stack
      FROM baton_history WHERE job_id = ? ORDER BY id
      """;
  private static final String LOGS =
      "SELECT at, level, message FROM baton_logs WHERE job_id = ? ORDER BY id";
  private static final String HOLDERS_OF =
      "SELECT job_id FROM baton_permit_holders WHERE permit_key = ? ORDER BY acquired_at, job_id";
  private static final String POSITION =
      "SELECT COUNT(*) FROM baton_jobs WHERE state = 'BLOCKED' AND blocked_key = ? AND blocked_seq <= ?";
  private static final String REQUEUE =
      """
      UPDATE baton_jobs SET state = 'ENQUEUED', state_at = ?, attempt = 1, owner = NULL, run_at = NULL,
        expire_at = NULL, queue_pos = nextval('baton_queue_seq'), blocked_key = NULL,
        blocked_seq = NULL, blocked_since = NULL, blocked_deadline = NULL, wake_at = NULL,
        blocked_tries = 0
      WHERE id = ?
      """;
  // As REQUEUE, but BLOCKED behind the job's previous run: its place in the queue is taken now.
  private static final String REQUEUE_BEHIND_PREVIOUS_RUN =
      """
      UPDATE baton_jobs SET state = 'BLOCKED', state_at = ?, attempt = 1, owner = NULL, run_at = NULL,
        expire_at = NULL, queue_pos = nextval('baton_queue_seq'), blocked_key = NULL,
        blocked_seq = NULL, blocked_since = ?, blocked_deadline = NULL, wake_at = NULL,
        blocked_tries = 0
      WHERE id = ?
      """;
  private static final String LEAVE =
      """
      UPDATE baton_jobs SET state = ?, owner = NULL, state_at = ?, run_at = ?, expire_at = ?,
        attempt = ?
      WHERE id = ?
      """;
  private static final String PROGRESS =
      """
      UPDATE baton_jobs SET progress = COALESCE(?, progress)
      WHERE id = ? AND state = 'PROCESSING' AND owner = ? AND fencing_token = ?
      """;
  private static final String INSERT_LOG =
      "INSERT INTO baton_logs (job_id, at, level, message) VALUES (?, ?, ?, ?)";

  private JobOps() {}

  static Optional<JobRecord> find(Tx tx, JobId id) throws SQLException {
    return find(tx, id, true);
  }

  /** The job with its history, and its log lines if {@code withLogs} (a job page reads those). */
  static Optional<JobRecord> find(Tx tx, JobId id, boolean withLogs) throws SQLException {
    JobRow row;
    try (PreparedStatement ps = tx.prepare(JobRow.SELECT)) {
      ps.setObject(1, id.value());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        row = JobRow.read(rs);
      }
    }
    List<StateEntry> history = new ArrayList<>();
    try (PreparedStatement ps = tx.prepare(HISTORY)) {
      ps.setObject(1, id.value());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String type = rs.getString("error_type");
          ExceptionInfo error =
              type == null
                  ? null
                  : new ExceptionInfo(
                      type, rs.getString("error_message"), rs.getString("error_stack"));
          history.add(
              new StateEntry(
                  JobState.valueOf(rs.getString("state")),
                  Sql.instant(rs, "at"),
                  rs.getString("server_id"),
                  rs.getString("worker"),
                  rs.getString("reason"),
                  error));
        }
      }
    }
    List<LogLine> logs = new ArrayList<>();
    if (!withLogs) {
      return Optional.of(record(tx, row, history, logs));
    }
    try (PreparedStatement ps = tx.prepare(LOGS)) {
      ps.setObject(1, id.value());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          logs.add(
              new LogLine(Sql.instant(rs, "at"), rs.getString("level"), rs.getString("message")));
        }
      }
    }
    return Optional.of(record(tx, row, history, logs));
  }

  static JobRecord record(Tx tx, JobRow row, List<StateEntry> history, List<LogLine> logs)
      throws SQLException {
    return new JobRecord(
        row.spec(),
        row.state(),
        row.attempt(),
        row.token(),
        row.state() == JobState.PROCESSING ? row.owner() : null,
        row.createdAt(),
        row.stateAt(),
        row.state() == JobState.SCHEDULED || row.state() == JobState.AWAITING ? row.runAt() : null,
        row.expireAt(),
        row.progress(),
        row.state() == JobState.BLOCKED ? blockInfo(tx, row) : null,
        history,
        logs);
  }

  private static BlockInfo blockInfo(Tx tx, JobRow row) throws SQLException {
    if (PreviousRunOps.waits(row)) {
      Lease run = PreviousRunOps.of(tx, row.id());
      Instant since = row.blockedSince() == null ? row.stateAt() : row.blockedSince();
      return run == null ? null : BlockInfo.previousRun(run, since);
    }
    Permit permit =
        row.concurrency().permits().stream()
            .filter(p -> p.key().equals(row.blockedKey()))
            .findFirst()
            .orElse(null);
    if (permit == null) {
      return null;
    }
    List<JobId> holders = new ArrayList<>();
    if (!permit.isRate()) {
      try (PreparedStatement ps = tx.prepare(HOLDERS_OF)) {
        ps.setString(1, permit.key());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            holders.add(Sql.jobId(rs, "job_id"));
          }
        }
      }
    }
    int position;
    try (PreparedStatement ps = tx.prepare(POSITION)) {
      ps.setString(1, row.blockedKey());
      ps.setLong(2, row.blockedSeq());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        position = rs.getInt(1);
      }
    }
    return new BlockInfo(permit, holders, Math.max(1, position), row.blockedSince(), row.wakeAt());
  }

  static Optional<JobState> delete(
      Tx tx, JobId id, String reason, Duration retention, Set<JobState> from) throws SQLException {
    JobRow row = Moves.lock(tx, id);
    if (row == null || row.state() == JobState.DELETED || !from.contains(row.state())) {
      return Optional.empty();
    }
    Moves.deleteRow(tx, row, reason, tx.now().plus(retention), null);
    wakeIfReserved(tx, row);
    return Optional.of(row.state());
  }

  static Optional<JobState> requeue(Tx tx, JobId id, String reason) throws SQLException {
    JobRow row = Moves.lock(tx, id);
    if (row == null || row.state() == JobState.ENQUEUED) {
      return Optional.empty();
    }
    Lease previousRun;
    if (row.state() == JobState.PROCESSING) {
      tx.revoked(row.owner(), id, row.token());
      previousRun = PreviousRunOps.keep(tx, row);
    } else {
      previousRun =
          row.state() == JobState.DELETED || PreviousRunOps.waits(row)
              ? PreviousRunOps.of(tx, id)
              : null;
    }
    BatchOps.moved(tx, row, previousRun == null ? JobState.ENQUEUED : JobState.BLOCKED);
    if (previousRun == null) {
      tx.update(REQUEUE, tx.now(), id);
      tx.history(id, JobState.ENQUEUED, null, null, reason);
      Moves.releasePermits(tx, row, JobState.ENQUEUED, true, id);
      wakeIfReserved(tx, row);
      tx.jobsAvailable(row.queue());
    } else {
      // The run is told to stop; the job waits for it, and its permits stay with it until then.
      Instant since =
          PreviousRunOps.waits(row) && row.blockedSince() != null ? row.blockedSince() : tx.now();
      tx.update(REQUEUE_BEHIND_PREVIOUS_RUN, tx.now(), since, id);
      tx.history(
          id, JobState.BLOCKED, null, null, reason + "; " + PreviousRunOps.waitText(previousRun));
    }
    if (row.spec().unique() != null) {
      CreateOp.takeUnique(tx, row.spec().unique(), id, tx.now(), java.util.Set.of(id));
    }
    return Optional.of(row.state());
  }

  /** A woken waiter that leaves before it is claimed gives its turn to the next in line. */
  private static void wakeIfReserved(Tx tx, JobRow row) throws SQLException {
    if (row.state() == JobState.ENQUEUED && row.blockedKey() != null) {
      for (Permit p : row.concurrency().permits()) {
        if (p.key().equals(row.blockedKey()) && !p.isRate()) {
          Moves.lockPermits(tx, List.of(p.key()));
          Moves.wakeWaiters(tx, p, row.id());
        }
      }
    }
  }

  static boolean finish(Tx tx, Lease lease, String worker, RunOutcome outcome) throws SQLException {
    return finishLocked(tx, Moves.lock(tx, lease.jobId()), lease, worker, outcome);
  }

  /**
   * {@code finish} on a row this transaction has locked. The row's own update is deferred to the
   * end of the transaction, so that a group of finishes writes all its rows in one batch.
   */
  static boolean finishLocked(Tx tx, JobRow row, Lease lease, String worker, RunOutcome outcome)
      throws SQLException {
    if (!holds(row, lease)) {
      PreviousRunOps.returned(tx, row, lease);
      return false;
    }
    Instant now = tx.now();
    JobState target = outcome.target();
    Instant runAt = null;
    Instant expireAt = null;
    int attempt = row.attempt();
    ExceptionInfo error = null;
    if (outcome instanceof RunOutcome.Succeeded s) {
      expireAt = now.plus(s.retention());
    } else if (outcome instanceof RunOutcome.Deleted d) {
      expireAt = now.plus(d.retention());
    } else if (outcome instanceof RunOutcome.Failed f) {
      error = f.error();
    } else if (outcome instanceof RunOutcome.Retry r) {
      runAt = now.plus(r.delay());
      attempt += r.spendsAttempt() ? 1 : 0;
      error = r.error();
    }
    // Released keeps its queue position: ahead of everything enqueued after it.
    tx.defer(LEAVE, target.name(), now, runAt, expireAt, attempt, row.id());
    tx.history(row.id(), target, lease.serverId(), worker, outcome.reason(), error);
    Moves.releasePermits(tx, row, target, false, row.id());
    if (target.isFinal()) {
      Moves.releaseUnique(tx, row);
      Moves.decideContinuations(tx, row, target, expireAt);
    }
    if (target == JobState.ENQUEUED) {
      tx.jobsAvailable(row.queue());
    }
    return true;
  }

  static boolean report(Tx tx, Lease lease, Integer progress, List<LogLine> lines)
      throws SQLException {
    try (PreparedStatement ps = tx.prepare(PROGRESS)) {
      Sql.bind(ps, progress, lease.jobId(), lease.serverId(), lease.token());
      if (progress == null) {
        ps.setNull(1, java.sql.Types.INTEGER);
      }
      if (ps.executeUpdate() == 0) {
        return false;
      }
    }
    if (lines != null && !lines.isEmpty()) {
      try (PreparedStatement ps = tx.prepare(INSERT_LOG)) {
        for (LogLine line : lines) {
          Sql.bind(
              ps,
              lease.jobId(),
              line.at() == null ? tx.now() : line.at(),
              line.level(),
              line.message());
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
    return true;
  }

  static boolean holds(JobRow row, Lease lease) {
    return row != null
        && row.state() == JobState.PROCESSING
        && lease.serverId().equals(row.owner())
        && row.token() == lease.token();
  }
}
