package dev.baton.storage.jdbc;

import dev.baton.concurrency.Permit;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.JobQuery;
import dev.baton.storage.JobRecord;
import dev.baton.storage.KeyStatus;
import dev.baton.storage.Page;
import dev.baton.storage.QueueStats;
import dev.baton.storage.ServerRecord;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The read-only queries behind {@link dev.baton.storage.JobMonitor}. */
final class MonitorOps {
  // One count per state, each with "state = '...'" spelled out: PostgreSQL can then count every
  // state through an index whose predicate names it (the partial index of the state's hot path, or
  // the state index of schema version 3, which covers the other states only). A GROUP BY over the
  // whole table reads every row.
  private static final String COUNTS =
      Arrays.stream(JobState.values())
          .map(
              s ->
                  "SELECT '"
                      + s.name()
                      + "' AS state, COUNT(*) AS n FROM baton_jobs WHERE state = '"
                      + s.name()
                      + "'")
          .collect(java.util.stream.Collectors.joining(" UNION ALL "));
  // Optional filters as "? IS NULL OR column = ?" with typed parameters: one fixed statement.
  private static final String FILTER =
      """
       FROM baton_jobs
      WHERE (CAST(? AS VARCHAR(16)) IS NULL OR state = ?)
        AND (CAST(? AS VARCHAR(50)) IS NULL OR queue = ?)
        AND (CAST(? AS VARCHAR(100)) IS NULL OR type = ?)
      """;
  private static final String PAGE =
      "SELECT " + JobRow.COLUMNS + FILTER + " ORDER BY state_at DESC, id DESC LIMIT ? OFFSET ?";
  private static final String TOTAL = "SELECT COUNT(*)" + FILTER;
  private static final String SERVERS =
      """
      SELECT s.id, s.host, s.queues, s.workers, s.started_at, s.last_beat,
        (SELECT COUNT(*) FROM baton_jobs j WHERE j.state = 'PROCESSING' AND j.owner = s.id) AS running
      FROM baton_servers s ORDER BY s.id
      """;
  private static final String QUEUES =
      """
      SELECT queue, state, COUNT(*) FROM baton_jobs
      WHERE state IN ('ENQUEUED', 'BLOCKED', 'PROCESSING', 'SCHEDULED') GROUP BY queue, state
      """;
  private static final String PERMITS =
      "SELECT permit_key, kind, max_count, window_ms FROM baton_permits";
  private static final String ALL_HOLDERS =
      "SELECT permit_key, job_id FROM baton_permit_holders ORDER BY acquired_at, job_id";
  private static final String ALL_WAITERS =
      "SELECT blocked_key, id FROM baton_jobs WHERE state = 'BLOCKED' ORDER BY blocked_seq";
  private static final String STARTS_SINCE =
      "SELECT COUNT(*) FROM baton_rate_starts WHERE permit_key = ? AND started_at >= ?";

  private MonitorOps() {}

  static Map<JobState, Long> counts(Tx tx) throws SQLException {
    Map<JobState, Long> out = new EnumMap<>(JobState.class);
    Arrays.stream(JobState.values()).forEach(s -> out.put(s, 0L));
    try (PreparedStatement ps = tx.prepare(COUNTS);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.put(JobState.valueOf(rs.getString(1)), rs.getLong(2));
      }
    }
    return out;
  }

  static Page<JobRecord> jobs(Tx tx, JobQuery q) throws SQLException {
    String state = q.state() == null ? null : q.state().name();
    Object[] filter = {state, state, q.queue(), q.queue(), q.type(), q.type()};
    List<JobRecord> items = new ArrayList<>();
    try (PreparedStatement ps = tx.prepare(PAGE)) {
      bindFilter(ps, filter);
      ps.setInt(7, q.limit());
      ps.setInt(8, q.offset());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          items.add(JobOps.record(tx, JobRow.read(rs), List.of(), List.of()));
        }
      }
    }
    long total;
    try (PreparedStatement ps = tx.prepare(TOTAL)) {
      bindFilter(ps, filter);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        total = rs.getLong(1);
      }
    }
    return new Page<>(items, total);
  }

  private static void bindFilter(PreparedStatement ps, Object[] filter) throws SQLException {
    for (int i = 0; i < filter.length; i++) {
      if (filter[i] == null) {
        ps.setNull(i + 1, java.sql.Types.VARCHAR);
      } else {
        ps.setString(i + 1, (String) filter[i]);
      }
    }
  }

  static List<ServerRecord> servers(Tx tx) throws SQLException {
    List<ServerRecord> out = new ArrayList<>();
    try (PreparedStatement ps = tx.prepare(SERVERS);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        String queues = rs.getString("queues");
        out.add(
            new ServerRecord(
                rs.getString("id"),
                rs.getString("host"),
                queues.isEmpty() ? List.of() : List.of(queues.split(",")),
                rs.getInt("workers"),
                Sql.instant(rs, "started_at"),
                Sql.instant(rs, "last_beat"),
                rs.getInt("running")));
      }
    }
    return out;
  }

  static List<QueueStats> queues(Tx tx) throws SQLException {
    Map<String, long[]> counts = new java.util.TreeMap<>();
    try (PreparedStatement ps = tx.prepare(QUEUES);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        long[] c = counts.computeIfAbsent(rs.getString(1), k -> new long[4]);
        int slot =
            switch (JobState.valueOf(rs.getString(2))) {
              case ENQUEUED -> 0;
              case BLOCKED -> 1;
              case PROCESSING -> 2;
              default -> 3;
            };
        c[slot] += rs.getLong(3);
      }
    }
    List<QueueStats> out = new ArrayList<>();
    counts.forEach((q, c) -> out.add(new QueueStats(q, c[0], c[1], c[2], c[3])));
    return out;
  }

  static List<KeyStatus> keys(Tx tx) throws SQLException {
    Map<String, Permit> permits = new LinkedHashMap<>();
    try (PreparedStatement ps = tx.prepare(PERMITS);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        long w = rs.getLong(4);
        Duration window = rs.wasNull() ? null : Duration.ofMillis(w);
        permits.put(
            rs.getString(1),
            new Permit(
                Permit.Kind.valueOf(rs.getString(2)), rs.getString(1), rs.getInt(3), window));
      }
    }
    Map<String, List<JobId>> holders = group(tx, ALL_HOLDERS);
    Map<String, List<JobId>> waiters = group(tx, ALL_WAITERS);
    TreeSet<String> active = new TreeSet<>(holders.keySet());
    active.addAll(waiters.keySet());
    List<KeyStatus> out = new ArrayList<>();
    for (String key : active) {
      Permit p = permits.get(key);
      if (p == null) {
        continue;
      }
      List<JobId> h = holders.getOrDefault(key, List.of());
      int used = h.size();
      if (p.isRate()) {
        try (PreparedStatement ps = tx.prepare(STARTS_SINCE)) {
          Sql.bind(ps, key, Admission.windowStart(p, tx.now()));
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            used = rs.getInt(1);
          }
        }
      }
      out.add(new KeyStatus(p, h, used, waiters.getOrDefault(key, List.of())));
    }
    return out;
  }

  private static Map<String, List<JobId>> group(Tx tx, String sql) throws SQLException {
    Map<String, List<JobId>> out = new LinkedHashMap<>();
    try (PreparedStatement ps = tx.prepare(sql);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
            .add(new JobId(rs.getObject(2, java.util.UUID.class)));
      }
    }
    return out;
  }
}
