package dev.baton.storage.jdbc;

import dev.baton.storage.MinuteStats;
import dev.baton.storage.ServerEvent;
import dev.baton.storage.StatsStorage;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link StatsStorage} on SQL: per-minute counters in baton_stats, events in baton_server_events.
 */
final class StatsOps {
  private static final String ADD_PG =
      """
      INSERT INTO baton_stats (minute_at, type, succeeded, failed, retried, run_ms, wait_ms)
      VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (minute_at, type) DO UPDATE SET
        succeeded = baton_stats.succeeded + EXCLUDED.succeeded,
        failed = baton_stats.failed + EXCLUDED.failed,
        retried = baton_stats.retried + EXCLUDED.retried,
        run_ms = baton_stats.run_ms + EXCLUDED.run_ms,
        wait_ms = baton_stats.wait_ms + EXCLUDED.wait_ms
      """;
  // H2 has no ON CONFLICT DO UPDATE. Two servers inserting the same new row at once make one MERGE
  // fail with a unique violation, and Database reruns that transaction, which then updates.
  private static final String ADD_H2 =
      """
      MERGE INTO baton_stats s
      USING (VALUES (CAST(? AS TIMESTAMP WITH TIME ZONE), CAST(? AS VARCHAR(100)),
        CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT),
        CAST(? AS BIGINT))) AS d (minute_at, type, succeeded, failed, retried, run_ms, wait_ms)
      ON s.minute_at = d.minute_at AND s.type = d.type
      WHEN MATCHED THEN UPDATE SET
        succeeded = s.succeeded + d.succeeded, failed = s.failed + d.failed,
        retried = s.retried + d.retried, run_ms = s.run_ms + d.run_ms,
        wait_ms = s.wait_ms + d.wait_ms
      WHEN NOT MATCHED THEN INSERT (minute_at, type, succeeded, failed, retried, run_ms, wait_ms)
        VALUES (d.minute_at, d.type, d.succeeded, d.failed, d.retried, d.run_ms, d.wait_ms)
      """;
  private static final String STATS =
      """
      SELECT minute_at, type, succeeded, failed, retried, run_ms, wait_ms FROM baton_stats
      WHERE minute_at >= ? AND minute_at < ? ORDER BY minute_at, type
      """;

  /** Rows one prune statement deletes at most: each is one short transaction. */
  static final int PRUNE_BATCH = 1_000;

  // In batches: after a long stop of every server the first prune may find days of rows, and one
  // DELETE of them all could outlast the statement timeout.
  private static final String PRUNE =
      """
      DELETE FROM baton_stats WHERE (minute_at, type) IN (
        SELECT minute_at, type FROM baton_stats WHERE minute_at < ? ORDER BY minute_at LIMIT ?)
      """;

  private static final String ADD_EVENT =
      """
      INSERT INTO baton_server_events (at, kind, server_id, by_server_id, jobs, detail)
      VALUES (?, ?, ?, ?, ?, ?)
      """;
  // Trimmed on every insert: events are rare (a server starts, stops or dies), and the table stays
  // at KEPT_EVENTS rows, so reading past the newest ones is a scan of a few hundred rows.
  private static final String TRIM_EVENTS =
      """
      DELETE FROM baton_server_events WHERE id IN (
        SELECT id FROM baton_server_events ORDER BY at DESC, id DESC OFFSET ? ROWS)
      """;
  private static final String EVENTS =
      """
      SELECT at, kind, server_id, by_server_id, jobs, detail FROM baton_server_events
      ORDER BY at DESC, id DESC LIMIT ?
      """;

  /** The key of a baton_stats row. */
  private record Row(Instant minute, String type) {}

  private StatsOps() {}

  static void add(Tx tx, List<MinuteStats> deltas) throws SQLException {
    if (deltas.isEmpty()) {
      return;
    }
    // Summed per row first (one upsert per row), and written in key order, so two servers'
    // transactions lock the rows they share in the same order and cannot deadlock.
    Map<Row, MinuteStats> merged = new HashMap<>();
    for (MinuteStats d : deltas) {
      merged.merge(new Row(d.minute(), d.type()), d, MinuteStats::plus);
    }
    List<MinuteStats> rows = new ArrayList<>(merged.values());
    rows.sort(Comparator.comparing(MinuteStats::minute).thenComparing(MinuteStats::type));
    try (PreparedStatement ps = tx.prepare(tx.dialect == Dialect.POSTGRES ? ADD_PG : ADD_H2)) {
      for (MinuteStats d : rows) {
        Sql.bind(
            ps,
            d.minute(),
            d.type(),
            d.succeeded(),
            d.failed(),
            d.retried(),
            d.runMillis(),
            d.waitMillis());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  static List<MinuteStats> stats(Tx tx, Instant from, Instant to) throws SQLException {
    List<MinuteStats> out = new ArrayList<>();
    try (PreparedStatement ps = tx.prepare(STATS)) {
      Sql.bind(ps, from, to);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new MinuteStats(
                  Sql.instant(rs, "minute_at"),
                  rs.getString("type"),
                  rs.getLong("succeeded"),
                  rs.getLong("failed"),
                  rs.getLong("retried"),
                  rs.getLong("run_ms"),
                  rs.getLong("wait_ms")));
        }
      }
    }
    return out;
  }

  /** Deletes up to {@link #PRUNE_BATCH} rows older than {@code before}; returns how many. */
  static int prune(Tx tx, Instant before) throws SQLException {
    return tx.update(PRUNE, before, PRUNE_BATCH);
  }

  static void addEvent(Tx tx, ServerEvent e) throws SQLException {
    tx.update(
        ADD_EVENT, e.at(), e.kind().name(), e.serverId(), e.byServerId(), e.jobs(), e.detail());
    tx.update(TRIM_EVENTS, StatsStorage.KEPT_EVENTS);
  }

  static List<ServerEvent> events(Tx tx, int limit) throws SQLException {
    if (limit < 1 || limit > StatsStorage.KEPT_EVENTS) {
      throw new IllegalArgumentException(
          "limit must be 1.." + StatsStorage.KEPT_EVENTS + ", got " + limit);
    }
    List<ServerEvent> out = new ArrayList<>();
    try (PreparedStatement ps = tx.prepare(EVENTS)) {
      Sql.bind(ps, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new ServerEvent(
                  Sql.instant(rs, "at"),
                  ServerEvent.Kind.valueOf(rs.getString("kind")),
                  rs.getString("server_id"),
                  rs.getString("by_server_id"),
                  rs.getInt("jobs"),
                  rs.getString("detail")));
        }
      }
    }
    return out;
  }
}
