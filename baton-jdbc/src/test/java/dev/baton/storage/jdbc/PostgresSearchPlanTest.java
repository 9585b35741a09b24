package dev.baton.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.JobPage;
import dev.baton.storage.JobSearch;
import dev.baton.storage.JobSpec;
import dev.baton.storage.NewJob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A dashboard's job search reads its page through the state index, from the cursor on, however many
 * jobs are stored: no sequential scan of the jobs table, no sort of a whole state. Checked on a
 * table of {@value #FINISHED} finished jobs (a tenth FAILED) after ANALYZE.
 */
class PostgresSearchPlanTest {
  private static final int FINISHED = 100_000;
  private static final int SEED = 1_000;
  private static final int QUEUED = 5_000;

  private static JobSpec spec(int i) {
    return new JobSpec(
        JobId.newId(), "noop", "default", "{\"n\":" + i + "}", "{}", 3, null, null, null, null);
  }

  @Test
  void searchOfOneStateWithACursorReadsTheStateIndexFromTheCursor() throws Exception {
    try (PostgresFixture f = new PostgresFixture()) {
      JdbcStorage s = f.open();
      finishedJobs(s, f.schema);

      JobSearch failed = JobSearch.inState(JobState.FAILED, 50);
      JobPage first = s.searchJobs(failed);
      assertThat(first.items()).hasSize(50);
      JobSearch second = failed.after(first.next());
      assertThat(s.searchJobs(second).items())
          .hasSize(50)
          .allSatisfy(r -> assertThat(first.next().isBefore(r)).isTrue());

      String plan = plan(f.schema, second);
      assertThat(plan).contains("Index Scan Backward using baton_jobs_state on baton_jobs");
      assertThat(plan).doesNotContain("Seq Scan on baton_jobs").doesNotContain("Sort ");

      // Every state: one branch per state, merged in order; still no scan of the whole table.
      String every = plan(f.schema, JobSearch.inState(null, 50).after(first.next()));
      assertThat(every).contains("Merge Append").doesNotContain("Seq Scan on baton_jobs");

      // A waiting state: its keys are read through its own index and sorted, then only the rows of
      // the page are read, by primary key (a nested loop: a hash join would read the whole table).
      List<NewJob> queued = new ArrayList<>();
      for (int i = 0; i < QUEUED; i++) {
        queued.add(NewJob.now(spec(i), "queued"));
      }
      s.create(queued);
      analyze(f.schema);
      JobSearch enqueued = JobSearch.inState(JobState.ENQUEUED, 50);
      JobPage queuedPage = s.searchJobs(enqueued);
      assertThat(queuedPage.items()).hasSize(50);
      String waiting = plan(f.schema, enqueued.after(queuedPage.next()));
      assertThat(waiting)
          .contains("baton_jobs_enqueued")
          .contains("Index Scan using baton_jobs_pkey")
          .doesNotContain("Seq Scan on baton_jobs")
          .doesNotContain("Hash Join");
    }
  }

  /** FINISHED SUCCEEDED and FAILED rows over the last day: a few made by the storage, copied. */
  private static void finishedJobs(JdbcStorage s, String schema) throws Exception {
    List<NewJob> seed = new ArrayList<>();
    for (int i = 0; i < SEED; i++) {
      seed.add(NewJob.now(spec(i), "seed"));
    }
    s.create(seed);
    try (Connection c = PostgresFixture.connect();
        Statement st = c.createStatement()) {
      st.execute("SET search_path = " + schema);
      st.execute(
          """
          UPDATE baton_jobs SET state = CASE WHEN random() < 0.1 THEN 'FAILED' ELSE 'SUCCEEDED' END,
            state_at = now() - random() * interval '1 day', expire_at = now() + interval '1 day'
          """);
      st.execute("CREATE TEMP TABLE copies AS SELECT * FROM baton_jobs");
      for (int made = SEED; made < FINISHED; made += SEED) {
        st.execute(
            "UPDATE copies SET id = gen_random_uuid(),"
                + " state_at = now() - random() * interval '1 day'");
        st.execute("INSERT INTO baton_jobs SELECT * FROM copies");
      }
    }
    analyze(schema);
  }

  private static void analyze(String schema) throws Exception {
    try (Connection c = PostgresFixture.connect();
        Statement st = c.createStatement()) {
      st.execute("ANALYZE " + schema + ".baton_jobs");
    }
  }

  /**
   * EXPLAIN (ANALYZE) of the search as the storage sends it (bound parameters); the whole plan is
   * printed to the test's output, where the timings can be read.
   */
  private static String plan(String schema, JobSearch search) throws Exception {
    try (Connection c = PostgresFixture.connect()) {
      try (Statement st = c.createStatement()) {
        st.execute("SET search_path = " + schema);
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "EXPLAIN (ANALYZE, BUFFERS) " + SearchOp.sql(Dialect.POSTGRES, search))) {
        Sql.bind(ps, SearchOp.params(search).toArray());
        StringBuilder text = new StringBuilder();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            text.append(rs.getString(1)).append('\n');
          }
        }
        System.out.println("searchJobs(state=" + search.state() + ") plan:\n" + text);
        return text.toString();
      }
    }
  }
}
