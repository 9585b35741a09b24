package dev.baton.storage.jdbc;

import dev.baton.job.JobId;
import dev.baton.storage.JobRecord;
import dev.baton.storage.LogLine;
import dev.baton.storage.LogPage;
import dev.baton.storage.UniqueHold;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What a dashboard's job page reads besides the job: a window of its log, its continuations. */
final class DetailOps {
  /** Most log lines, continuations or uniqueness keys one call returns. */
  static final int MAX_LIMIT = 1_000;

  // The count is a scalar subquery of the same statement, so the window and the total come from one
  // snapshot even while the job goes on logging. Both read baton_logs_job (job_id, id).
  private static final String LOG_WINDOW =
      """
      SELECT at, level, message, (SELECT COUNT(*) FROM baton_logs WHERE job_id = ?) AS total
      FROM baton_logs WHERE job_id = ? ORDER BY id LIMIT ? OFFSET ?
      """;
  // The tail reads the index backwards from the newest line: a hundred thousand lines cost a count
  // (an index-only scan) and the lines returned, never the whole log.
  private static final String LOG_TAIL =
      """
      SELECT at, level, message, (SELECT COUNT(*) FROM baton_logs WHERE job_id = ?) AS total
      FROM baton_logs WHERE job_id = ? ORDER BY id DESC LIMIT ?
      """;
  private static final String LOG_COUNT =
      "SELECT COUNT(*) AS total FROM baton_logs WHERE job_id = ?";

  /** Through baton_jobs_parent (parent_id, created_at, id) on PostgreSQL, every state. */
  private static final String CONTINUATIONS =
      "SELECT "
          + JobRow.COLUMNS
          + " FROM baton_jobs WHERE parent_id = ? ORDER BY created_at, id LIMIT ?";

  // A key with an expiry is a TTL hold (kept after its job ends); one without is held until its job
  // starts or finishes, and its row is deleted then. Expired rows wait for purgeExpired.
  private static final String HELD_KEYS =
      """
      SELECT unique_key, job_id, expire_at FROM baton_unique_keys
      WHERE expire_at IS NULL OR expire_at > ?
      ORDER BY unique_key LIMIT ?
      """;

  private DetailOps() {}

  static LogPage logs(Tx tx, JobId id, long from, int limit) throws SQLException {
    checkLimit(limit);
    boolean tail = from < 0;
    List<LogLine> lines = new ArrayList<>();
    long total = -1;
    try (PreparedStatement ps = tx.prepare(tail ? LOG_TAIL : LOG_WINDOW)) {
      if (tail) {
        Sql.bind(ps, id, id, limit);
      } else {
        Sql.bind(ps, id, id, limit, from);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          total = rs.getLong("total");
          lines.add(
              new LogLine(Sql.instant(rs, "at"), rs.getString("level"), rs.getString("message")));
        }
      }
    }
    if (total < 0) {
      total = count(tx, id);
    }
    if (tail) {
      Collections.reverse(lines);
      return new LogPage(lines, total - lines.size(), total);
    }
    return new LogPage(lines, from, total);
  }

  private static long count(Tx tx, JobId id) throws SQLException {
    try (PreparedStatement ps = tx.prepare(LOG_COUNT)) {
      Sql.bind(ps, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong("total");
      }
    }
  }

  static List<JobRecord> continuations(Tx tx, JobId parent, int limit) throws SQLException {
    checkLimit(limit);
    List<JobRecord> out = new ArrayList<>();
    try (PreparedStatement ps = tx.prepare(CONTINUATIONS)) {
      Sql.bind(ps, parent, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(JobOps.record(tx, JobRow.read(rs), List.of(), List.of()));
        }
      }
    }
    return out;
  }

  static List<UniqueHold> uniqueKeys(Tx tx, int limit) throws SQLException {
    checkLimit(limit);
    List<UniqueHold> out = new ArrayList<>();
    try (PreparedStatement ps = tx.prepare(HELD_KEYS)) {
      Sql.bind(ps, tx.now(), limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new UniqueHold(
                  rs.getString("unique_key"),
                  Sql.jobId(rs, "job_id"),
                  Sql.instant(rs, "expire_at")));
        }
      }
    }
    return out;
  }

  private static void checkLimit(int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ", got " + limit);
    }
  }
}
