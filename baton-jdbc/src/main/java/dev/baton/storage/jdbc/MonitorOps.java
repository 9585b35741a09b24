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
  /**
   * PostgreSQL counts a state exactly up to this many jobs; past it {@link #counts} reports the
   * planner's estimate (never less than this plus one).
   */
  static final int EXACT_UP_TO = 100_000;

  // One count per state, each with "state = '...'" spelled out, so that each reads an index whose
  // predicate names the state. A GROUP BY over the whole table reads every row. H2 keeps a full
  // state index and counts exactly.
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
  // PostgreSQL: an exact COUNT(*) of a state with a million finished jobs is a (parallel) scan of
  // the whole table, as it is most of the table (docs/benchmarks.md, dashboard). So each state is
  // counted up to EXACT_UP_TO + 1 rows only, ordered as its partial index is: without the order the
  // planner reads a state that is most of the table with a sequential scan that stops at the limit
  // (still half the table), with it the count walks the index and stops there.
  static final String CAPPED_COUNTS =
      Arrays.stream(JobState.values())
          .map(
              s ->
                  "SELECT '"
                      + s.name()
                      + "' AS state, COUNT(*) AS n FROM (SELECT 1 FROM baton_jobs WHERE state = '"
                      + s.name()
                      + "' ORDER BY "
                      + indexOrder(s)
                      + " LIMIT "
                      + (EXACT_UP_TO + 1)
                      + ") c")
          .collect(java.util.stream.Collectors.joining(" UNION ALL "));
  // The planner's row estimate of one state (statistics of ANALYZE/autovacuum, scaled to the
  // table's current size), read as "Plan Rows" of the plan's top node.
  private static final Map<JobState, String> ESTIMATES =
      java.util.Collections.unmodifiableMap(
          Arrays.stream(JobState.values())
              .collect(
                  java.util.stream.Collectors.toMap(
                      s -> s,
                      s ->
                          "EXPLAIN (FORMAT JSON) SELECT 1 FROM baton_jobs WHERE state = '"
                              + s.name()
                              + "'",
                      (a, b) -> a,
                      () -> new EnumMap<>(JobState.class))));
  private static final java.util.regex.Pattern PLAN_ROWS =
      java.util.regex.Pattern.compile("\"Plan Rows\"\\s*:\\s*([0-9.eE+]+)");

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
  // One GROUP BY per live state with "state = '...'" spelled out, so each reads that state's
  // partial index; "state IN (...)" matches none of them and scans the table.
  static final String QUEUES =
      """
      SELECT queue, 'ENQUEUED' AS state, COUNT(*) FROM baton_jobs
        WHERE state = 'ENQUEUED' GROUP BY queue
      UNION ALL
      SELECT queue, 'BLOCKED' AS state, COUNT(*) FROM baton_jobs
        WHERE state = 'BLOCKED' GROUP BY queue
      UNION ALL
      SELECT queue, 'PROCESSING' AS state, COUNT(*) FROM baton_jobs
        WHERE state = 'PROCESSING' GROUP BY queue
      UNION ALL
      SELECT queue, 'SCHEDULED' AS state, COUNT(*) FROM baton_jobs
        WHERE state = 'SCHEDULED' GROUP BY queue
      """;
  private static final String PERMITS =
      "SELECT permit_key, kind, max_count, window_ms FROM baton_permits";
  private static final String ALL_HOLDERS =
      "SELECT permit_key, job_id FROM baton_permit_holders ORDER BY acquired_at, job_id";
  private static final String ALL_WAITERS =
      "SELECT blocked_key, id FROM baton_jobs WHERE state = 'BLOCKED' AND blocked_key IS NOT NULL ORDER BY blocked_seq";
  private static final String STARTS_SINCE =
      "SELECT COUNT(*) FROM baton_rate_starts WHERE permit_key = ? AND started_at >= ?";

  private MonitorOps() {}

  /**
   * How many jobs are in each state. H2: exact. PostgreSQL: exact up to {@link #EXACT_UP_TO} jobs
   * in a state, above that the planner's estimate (at least {@code EXACT_UP_TO + 1}).
   */
  static Map<JobState, Long> counts(Tx tx) throws SQLException {
    Map<JobState, Long> out = new EnumMap<>(JobState.class);
    Arrays.stream(JobState.values()).forEach(s -> out.put(s, 0L));
    boolean postgres = tx.dialect == Dialect.POSTGRES;
    try (PreparedStatement ps = tx.prepare(postgres ? CAPPED_COUNTS : COUNTS);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.put(JobState.valueOf(rs.getString(1)), rs.getLong(2));
      }
    }
    if (postgres) {
      for (Map.Entry<JobState, Long> e : out.entrySet()) {
        if (e.getValue() > EXACT_UP_TO) {
          e.setValue(Math.max(EXACT_UP_TO + 1L, estimate(tx, e.getKey())));
        }
      }
    }
    return out;
  }

  /** PostgreSQL's row estimate for {@code state}, 0 if the plan shows none. */
  private static long estimate(Tx tx, JobState state) throws SQLException {
    StringBuilder plan = new StringBuilder();
    try (PreparedStatement ps = tx.prepare(ESTIMATES.get(state));
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        plan.append(rs.getString(1));
      }
    }
    java.util.regex.Matcher m = PLAN_ROWS.matcher(plan);
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0L;
  }

  /** The columns of the index that holds {@code state}'s jobs on PostgreSQL, in its order. */
  private static String indexOrder(JobState state) {
    return switch (state) {
      case ENQUEUED -> "queue, queue_pos"; // baton_jobs_enqueued
      case SCHEDULED -> "run_at"; // baton_jobs_scheduled
      case BLOCKED -> "blocked_key, blocked_seq"; // baton_jobs_blocked
      case AWAITING -> "parent_id"; // baton_jobs_children
      case PROCESSING, SUCCEEDED, FAILED, DELETED -> "state_at, id"; // baton_jobs_state
    };
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
