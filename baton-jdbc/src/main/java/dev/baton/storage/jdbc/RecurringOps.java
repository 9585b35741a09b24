package dev.baton.storage.jdbc;

import dev.baton.job.JobId;
import dev.baton.storage.CreateResult;
import dev.baton.storage.NewJob;
import dev.baton.storage.RecurringRecord;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Recurring job definitions, and firing one occurrence by compare-and-set on its fire time. */
final class RecurringOps {
  private static final String UPDATE =
      """
      UPDATE baton_recurring SET definition_json = ?, next_fire_at = ?, paused = ?,
        last_fire_at = ?, last_job_id = ?
      WHERE id = ?
      """;
  private static final String INSERT =
      """
      INSERT INTO baton_recurring (definition_json, next_fire_at, paused, last_fire_at, last_job_id, id)
      VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
      """;
  private static final String REMOVE = "DELETE FROM baton_recurring WHERE id = ?";
  private static final String ALL =
      """
      SELECT id, definition_json, next_fire_at, paused, last_fire_at, last_job_id
      FROM baton_recurring ORDER BY id
      """;
  private static final String LOCK =
      "SELECT next_fire_at, paused FROM baton_recurring WHERE id = ? FOR UPDATE";
  private static final String FIRED =
      "UPDATE baton_recurring SET next_fire_at = ?, last_fire_at = ?, last_job_id = ? WHERE id = ?";

  private RecurringOps() {}

  static void save(Tx tx, RecurringRecord r) throws SQLException {
    Object[] params = {
      r.definitionJson(), r.nextFireAt(), r.paused(), r.lastFireAt(), r.lastJobId(), r.id()
    };
    if (tx.update(UPDATE, params) == 0 && tx.update(INSERT, params) == 0) {
      tx.update(UPDATE, params); // created by someone else in between
    }
  }

  static boolean remove(Tx tx, String id) throws SQLException {
    return tx.update(REMOVE, id) > 0;
  }

  static List<RecurringRecord> all(Tx tx) throws SQLException {
    List<RecurringRecord> out = new ArrayList<>();
    try (PreparedStatement ps = tx.prepare(ALL);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(
            new RecurringRecord(
                rs.getString("id"),
                rs.getString("definition_json"),
                Sql.instant(rs, "next_fire_at"),
                rs.getBoolean("paused"),
                Sql.instant(rs, "last_fire_at"),
                Sql.jobId(rs, "last_job_id")));
      }
    }
    return out;
  }

  /**
   * Fires one occurrence; on PostgreSQL ({@code payloadPrefix} set) plain jobs are created by the
   * one-statement create, so they may be handed over to an idle server.
   */
  static Optional<List<CreateResult>> fire(
      Tx tx, String id, Instant expected, Instant next, List<NewJob> jobs, String payloadPrefix)
      throws SQLException {
    try (PreparedStatement ps = tx.prepare(LOCK)) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()
            || rs.getBoolean("paused")
            || !expected.equals(Sql.instant(rs, "next_fire_at"))) {
          return Optional.empty();
        }
      }
    }
    List<CreateResult> results =
        jobs.isEmpty() ? List.of() : FastCreate.createIn(tx, jobs, payloadPrefix, true);
    JobId last = results.isEmpty() ? null : results.get(0).id();
    tx.update(FIRED, next, expected, last, id);
    return Optional.of(results);
  }
}
