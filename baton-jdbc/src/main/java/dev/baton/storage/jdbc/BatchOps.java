package dev.baton.storage.jdbc;

import dev.baton.job.BatchId;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.BatchRecord;
import dev.baton.storage.BatchRules;
import dev.baton.storage.ContinuationCondition;
import dev.baton.storage.CreateResult;
import dev.baton.storage.NewBatch;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Batches ({@code baton_batches}): creation, and the counts that follow the members' states. A
 * member's move into or out of a final state is noted in its transaction ({@link #moved}) and
 * applied just before the commit ({@link #apply}), batch rows in id order, after every job row the
 * transaction locked: so two grouped finishes that share batches cannot deadlock on them, and
 * concurrent finishes of one batch serialize on its row, the last of them seeing the counts that
 * release the continuation.
 */
final class BatchOps {
  private static final String EXISTS = "SELECT 1 FROM baton_batches WHERE id = ?";
  private static final String INSERT =
      """
      INSERT INTO baton_batches (id, total, succeeded, failed, deleted, continuation_id,
        continue_on, created_at)
      VALUES (?, ?, 0, 0, 0, ?, ?, ?)
      """;
  private static final String COUNT =
      """
      UPDATE baton_batches SET succeeded = succeeded + ?, failed = failed + ?,
        deleted = deleted + ?
      WHERE id = ?
      """;
  private static final String READ =
      """
      SELECT b.id, b.total, b.succeeded, b.failed, b.deleted, b.continuation_id, b.continue_on,
        b.created_at, j.state AS continuation_state
      FROM baton_batches b LEFT JOIN baton_jobs j ON j.id = b.continuation_id
      WHERE b.id = ?
      """;

  /** What one transaction's member moves add to a batch's counts. */
  static final class Delta {
    int succeeded;
    int failed;
    int deleted;
    JobId lastDeleted;

    void add(JobState s, int d, JobId member) {
      switch (s) {
        case SUCCEEDED -> succeeded += d;
        case FAILED -> failed += d;
        case DELETED -> {
          deleted += d;
          if (d > 0) {
            lastDeleted = member;
          }
        }
        default -> {}
      }
    }
  }

  private BatchOps() {}

  static List<CreateResult> create(Tx tx, NewBatch batch) throws SQLException {
    try (PreparedStatement ps = tx.prepare(EXISTS)) {
      ps.setObject(1, batch.id().value());
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          throw new IllegalArgumentException("batch " + batch.id() + " exists already");
        }
      }
    }
    List<CreateResult> results = CreateOp.create(tx, batch.jobs(), batch);
    tx.update(
        INSERT,
        batch.id().value(),
        batch.members().size(),
        batch.continuation() == null ? null : batch.continuation().spec().id(),
        batch.continueOn() == null ? null : batch.continueOn().name(),
        tx.now());
    return results;
  }

  static Optional<BatchRecord> read(Tx tx, BatchId id) throws SQLException {
    try (PreparedStatement ps = tx.prepare(READ)) {
      ps.setObject(1, id.value());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        String on = rs.getString("continue_on");
        String state = rs.getString("continuation_state");
        return Optional.of(
            new BatchRecord(
                id,
                rs.getInt("total"),
                rs.getInt("succeeded"),
                rs.getInt("failed"),
                rs.getInt("deleted"),
                Sql.jobId(rs, "continuation_id"),
                on == null ? null : ContinuationCondition.valueOf(on),
                state == null ? null : JobState.valueOf(state),
                Sql.instant(rs, "created_at")));
      }
    }
  }

  /** The locked row {@code job} moves from its state to {@code to}: note it for its batch. */
  static void moved(Tx tx, JobRow job, JobState to) {
    JobState from = job.state();
    if (job.batch() == null || from == to || (!from.isFinal() && !to.isFinal())) {
      return;
    }
    Delta d = tx.batchDeltas.computeIfAbsent(job.batch().value(), k -> new Delta());
    d.add(from, -1, job.id());
    d.add(to, 1, job.id());
  }

  /** Applies the noted moves, batch by batch in id order, and decides their continuations. */
  static void apply(Tx tx) throws SQLException {
    while (!tx.batchDeltas.isEmpty()) {
      Map.Entry<UUID, Delta> e = tx.batchDeltas.pollFirstEntry();
      Delta d = e.getValue();
      if (d.succeeded == 0 && d.failed == 0 && d.deleted == 0) {
        continue;
      }
      tx.update(COUNT, d.succeeded, d.failed, d.deleted, e.getKey());
      decide(tx, new BatchId(e.getKey()), d);
    }
  }

  private static void decide(Tx tx, BatchId id, Delta d) throws SQLException {
    BatchRecord b = read(tx, id).orElse(null);
    if (b == null || b.continuation() == null || b.continuationState() != JobState.AWAITING) {
      return;
    }
    BatchRules.Decision decision =
        BatchRules.decide(b.continueOn(), b.total(), b.succeeded(), b.failed(), b.deleted());
    if (decision == BatchRules.Decision.WAIT) {
      return;
    }
    JobRow cont = Moves.lock(tx, b.continuation());
    if (cont == null || cont.state() != JobState.AWAITING) {
      return;
    }
    if (decision == BatchRules.Decision.START) {
      Moves.startAwaiting(tx, cont, BatchRules.started(id, b.succeeded(), b.failed(), b.deleted()));
    } else {
      Moves.deleteRow(
          tx,
          cont,
          BatchRules.deleted(id, d.lastDeleted),
          tx.now().plus(Moves.SYSTEM_RETENTION),
          null);
    }
  }
}
