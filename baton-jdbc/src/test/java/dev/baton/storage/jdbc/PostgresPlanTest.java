package dev.baton.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.JobSpec;
import dev.baton.storage.NewJob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The claim and the promotion of due jobs read their queue through their own indexes, in order,
 * even when the statistics say the queue is empty: ANALYZE ran while no job was ENQUEUED or
 * SCHEDULED (an idle system, or a queue worked off as fast as it fills) and the table holds many
 * finished jobs. Before schema version 3 the planner then read the whole queue through the state
 * index and sorted it, on every claim (docs/benchmarks.md, "flat").
 */
class PostgresPlanTest {
  private static final int FINISHED = 200_000;
  private static final int QUEUED = 3_000;

  private static JobSpec spec() {
    return new JobSpec(JobId.newId(), "noop", "default", "{}", "{}", 3, null, null, null, null);
  }

  @Test
  void claimAndPromoteUseTheirIndexesWhenStatisticsSayTheQueueIsEmpty() throws Exception {
    try (PostgresFixture f = new PostgresFixture()) {
      JdbcStorage s = f.open();
      String schema = f.schema;
      finishedJobs(s, schema);
      analyze(schema);
      List<NewJob> jobs = new ArrayList<>();
      for (int i = 0; i < QUEUED; i++) {
        jobs.add(NewJob.now(spec(), "queued"));
        jobs.add(new NewJob(spec(), null, Duration.ofHours(1), "later"));
      }
      s.create(jobs);
      java.util.Map<JobState, Long> counts = s.countByState();
      assertThat(counts)
          .containsEntry(JobState.ENQUEUED, (long) QUEUED)
          .containsEntry(JobState.SCHEDULED, (long) QUEUED);
      // Above 100,000 in one state PostgreSQL's count is the planner's estimate, never below it.
      assertThat(counts.get(JobState.SUCCEEDED)).isGreaterThan(100_000L);

      String claim = plan(schema, ClaimOp.CLAIM_SIMPLE, true);
      assertThat(claim).contains("baton_jobs_enqueued").doesNotContain("baton_jobs_state");
      assertThat(candidateScan(claim)).doesNotContain("Sort");
      String due = plan(schema, Housekeeping.DUE, false);
      assertThat(due).contains("baton_jobs_scheduled").doesNotContain("baton_jobs_state");
      assertThat(due).doesNotContain("Sort");

      // The claim does what the plan says: the oldest jobs, in order.
      assertThat(s.claim("srv", List.of("default"), 10)).hasSize(10);
    }
  }

  /** FINISHED SUCCEEDED rows: a few through the storage, copied under new ids. */
  private static void finishedJobs(JdbcStorage s, String schema) throws Exception {
    List<NewJob> seed = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      seed.add(NewJob.now(spec(), "seed"));
    }
    s.create(seed);
    try (Connection c = PostgresFixture.connect();
        Statement st = c.createStatement()) {
      st.execute("SET search_path = " + schema);
      st.execute(
          "UPDATE baton_jobs SET state = 'SUCCEEDED'," + " expire_at = now() + interval '1 day'");
      st.execute("CREATE TEMP TABLE copies AS SELECT * FROM baton_jobs");
      for (int made = 1_000; made < FINISHED; made += 1_000) {
        st.execute("UPDATE copies SET id = gen_random_uuid()");
        st.execute("INSERT INTO baton_jobs SELECT * FROM copies");
      }
    }
  }

  private static void analyze(String schema) throws Exception {
    try (Connection c = PostgresFixture.connect();
        Statement st = c.createStatement()) {
      st.execute("ANALYZE " + schema + ".baton_jobs");
      try (ResultSet rs =
          st.executeQuery(
              "SELECT most_common_vals::text FROM pg_stats WHERE schemaname = '"
                  + schema
                  + "' AND tablename = 'baton_jobs' AND attname = 'state'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("{SUCCEEDED}");
      }
    }
  }

  /**
   * EXPLAIN of a statement as the storage sends it (extended protocol, bound parameters, so the
   * plan is the one a claim gets); {@code claim}: CLAIM_SIMPLE's parameters, else DUE's.
   */
  private static String plan(String schema, String sql, boolean claim) throws Exception {
    try (Connection c = PostgresFixture.connect()) {
      try (Statement st = c.createStatement()) {
        st.execute("SET search_path = " + schema);
      }
      try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
        if (claim) {
          ps.setObject(1, null, java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
          ps.setBoolean(2, false);
          ps.setString(3, "default");
          ps.setLong(4, 0);
          ps.setInt(5, 256);
          ps.setString(6, "srv");
          ps.setString(7, "srv");
          ps.setString(8, "claimed by srv");
          ps.setString(9, "srv"); // the server whose last beat the claim renews
        } else {
          ps.setTimestamp(1, Timestamp.from(Instant.now()));
          ps.setInt(2, 100);
        }
        StringBuilder text = new StringBuilder();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            text.append(rs.getString(1)).append('\n');
          }
        }
        return text.toString();
      }
    }
  }

  /** The part of the claim's plan that reads the candidates (CTE c). */
  private static String candidateScan(String plan) {
    int start = plan.indexOf("CTE c");
    int end = plan.indexOf("CTE ", start + 5);
    return plan.substring(start, end < 0 ? plan.length() : end);
  }
}
