package dev.baton.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.state.JobState;
import dev.baton.storage.QueueStats;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's counts read indexes, not the table, with many finished jobs: the count of each
 * state stops at {@link MonitorOps#EXACT_UP_TO} (past it the planner's estimate), and the queue
 * counts read each live state through its partial index. Before, both were sequential scans of the
 * whole table, about a second each with a million finished jobs (docs/benchmarks.md, dashboard).
 */
class PostgresMonitorPlanTest {
  private static final int SUCCEEDED = 200_000;

  /**
   * Jobs straight into the table with every NOT NULL column: SUCCEEDED ones, then per live state a
   * few spread over three queues (row g is on queue g % 3), and a few FAILED.
   */
  private static final String FILL =
      """
      INSERT INTO baton_jobs (id, type, queue, args_json, meta_json, max_attempts, state, attempt,
        fencing_token, created_at, state_at, queue_pos, owner, run_at, blocked_key, blocked_seq,
        expire_at)
      SELECT gen_random_uuid(), 'noop', (ARRAY['default', 'mail', 'reports'])[1 + g % 3], '{}',
        '{}', 3,
        CASE WHEN g <= 200000 THEN 'SUCCEEDED' WHEN g <= 203000 THEN 'ENQUEUED'
             WHEN g <= 203600 THEN 'PROCESSING' WHEN g <= 204500 THEN 'SCHEDULED'
             WHEN g <= 204530 THEN 'BLOCKED' ELSE 'FAILED' END,
        1, g, now() - g * interval '1 ms', now() - g * interval '1 ms', g,
        CASE WHEN g > 203000 AND g <= 203600 THEN 'srv' END,
        CASE WHEN g > 203600 AND g <= 204500 THEN now() + interval '1 hour' END,
        CASE WHEN g > 204500 AND g <= 204530 THEN 'key' END,
        CASE WHEN g > 204500 AND g <= 204530 THEN g END,
        CASE WHEN g <= 200000 OR g > 204530 THEN now() + interval '1 day' END
      FROM generate_series(1, 204580) g
      """;

  @Test
  void countsAndQueuesReadIndexesWithManyFinishedJobs() throws Exception {
    try (PostgresFixture f = new PostgresFixture()) {
      JdbcStorage s = f.open();
      try (Connection c = PostgresFixture.connect();
          Statement st = c.createStatement()) {
        st.execute("SET search_path = " + f.schema);
        st.execute(FILL);
        st.execute("ANALYZE baton_jobs");

        String counts = explain(st, MonitorOps.CAPPED_COUNTS);
        assertThat(counts).doesNotContain("Seq Scan").contains("baton_jobs_state");
        String queues = explain(st, MonitorOps.QUEUES);
        assertThat(queues)
            .doesNotContain("Seq Scan")
            .contains("baton_jobs_enqueued", "baton_jobs_scheduled", "baton_jobs_blocked");
      }

      Map<JobState, Long> counts = s.countByState();
      // Above the cap: the planner's estimate, never below the cap, near the truth.
      assertThat(counts.get(JobState.SUCCEEDED))
          .isGreaterThan((long) MonitorOps.EXACT_UP_TO)
          .isBetween(SUCCEEDED / 2L, SUCCEEDED * 2L);
      // Below it: exact.
      assertThat(counts)
          .containsEntry(JobState.ENQUEUED, 3_000L)
          .containsEntry(JobState.PROCESSING, 600L)
          .containsEntry(JobState.SCHEDULED, 900L)
          .containsEntry(JobState.BLOCKED, 30L)
          .containsEntry(JobState.FAILED, 50L)
          .containsEntry(JobState.AWAITING, 0L)
          .containsEntry(JobState.DELETED, 0L);

      // Row g is on queue g % 3: "default" 0, "mail" 1, "reports" 2.
      assertThat(s.queues())
          .containsExactly(
              new QueueStats("default", 1_000, 10, 200, 300),
              new QueueStats("mail", 1_000, 10, 200, 300),
              new QueueStats("reports", 1_000, 10, 200, 300));
    }
  }

  @Test
  void countsBelowTheCapAreExact() throws Exception {
    try (PostgresFixture f = new PostgresFixture()) {
      JdbcStorage s = f.open();
      try (Connection c = PostgresFixture.connect();
          Statement st = c.createStatement()) {
        st.execute("SET search_path = " + f.schema);
        st.execute(FILL.replace("204580", "100000"));
        st.execute("ANALYZE baton_jobs");
      }
      assertThat(s.countByState())
          .containsEntry(JobState.SUCCEEDED, 100_000L)
          .containsEntry(JobState.ENQUEUED, 0L);
    }
  }

  private static String explain(Statement st, String sql) throws Exception {
    StringBuilder plan = new StringBuilder();
    try (ResultSet rs = st.executeQuery("EXPLAIN " + sql)) {
      while (rs.next()) {
        plan.append(rs.getString(1)).append('\n');
      }
    }
    return plan.toString();
  }
}
