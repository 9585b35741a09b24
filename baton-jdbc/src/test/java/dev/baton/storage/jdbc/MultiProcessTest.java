package dev.baton.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.client.BatonClient;
import dev.baton.client.JobRequest;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two server JVMs on one PostgreSQL schema; one is killed with SIGKILL in the middle of a job. The
 * job runs again on the other within the server timeout, and the ledger its runs write shows none
 * lost and none run twice while its owner lived.
 */
class MultiProcessTest {
  private static final int JOBS = 24;
  private static final int WORK_MS = 400;

  private record Row(String job, String server, long token, String event, Instant at) {}

  @Test
  void aKilledServersJobRunsOnTheOtherOneAndNothingRunsTwice() throws Exception {
    try (PostgresFixture fixture = new PostgresFixture()) {
      JdbcStorage storage = fixture.open();
      try (Connection c = PostgresFixture.connect();
          Statement s = c.createStatement()) {
        s.execute(
            "CREATE TABLE "
                + fixture.schema
                + ".ledger (id BIGSERIAL PRIMARY KEY, job_id TEXT, server_id TEXT, token BIGINT,"
                + " event TEXT, at TIMESTAMPTZ)");
      }
      Process a = launch(fixture.schema, "proc-a");
      Process b = launch(fixture.schema, "proc-b");
      try {
        awaitReady(a);
        awaitReady(b);
        BatonClient client = BatonClient.create(storage);
        List<JobRequest> requests = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
          requests.add(
              JobRequest.of(LedgerServerMain.LEDGER_JOB, new LedgerServerMain.Work(WORK_MS)));
        }
        client.enqueueAll(requests);

        await("proc-a to be running a job")
            .atMost(Duration.ofSeconds(20))
            .until(() -> running(fixture.schema, "proc-a") > 0);
        a.destroyForcibly(); // SIGKILL: no shutdown hook, no deregistration
        a.waitFor(10, TimeUnit.SECONDS);
        Instant killedAt = Instant.now();

        await("every job to finish")
            .atMost(Duration.ofSeconds(40))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> ended(fixture.schema) >= JOBS);
        Duration recovery = Duration.between(killedAt, Instant.now());

        Map<String, List<Row>> byJob = ledger(fixture.schema);
        assertThat(byJob).hasSize(JOBS);
        for (Map.Entry<String, List<Row>> e : byJob.entrySet()) {
          List<Row> rows = e.getValue();
          long ends = rows.stream().filter(r -> r.event().equals("end")).count();
          assertThat(ends).as("job %s finished exactly once", e.getKey()).isEqualTo(1);
          List<Row> starts = rows.stream().filter(r -> r.event().equals("start")).toList();
          // Every run but the last was on the killed server and never ended: nothing ran twice
          // while its owner lived.
          for (Row earlier : starts.subList(0, starts.size() - 1)) {
            assertThat(earlier.server())
                .as("job %s re-ran only after its owner died", e.getKey())
                .isEqualTo("proc-a");
            assertThat(rows)
                .noneMatch(
                    r ->
                        r.event().equals("end")
                            && r.token() == earlier.token()
                            && r.server().equals("proc-a"));
          }
          if (starts.size() > 1) {
            Row rerun = starts.get(starts.size() - 1);
            assertThat(rerun.server()).isEqualTo("proc-b");
            assertThat(rerun.token()).isGreaterThan(starts.get(0).token());
            assertThat(Duration.between(killedAt, rerun.at()))
                .as("re-run within the server timeout plus a rescue tick")
                .isLessThan(LedgerServerMain.SERVER_TIMEOUT.plusSeconds(3));
          }
        }
        assertThat(byJob.values())
            .anyMatch(rows -> rows.stream().filter(r -> r.event().equals("start")).count() > 1);
        System.out.println("all jobs done " + recovery.toMillis() + " ms after the kill");
      } finally {
        a.destroyForcibly();
        b.destroyForcibly();
        b.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static Process launch(String schema, String serverId) throws Exception {
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String java =
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    return new ProcessBuilder(
            java, "-Xmx256m", "-cp", classpath, LedgerServerMain.class.getName(), schema, serverId)
        .redirectErrorStream(true)
        .start();
  }

  private static void awaitReady(Process p) throws Exception {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("READY")) {
        Thread drain = new Thread(() -> out.lines().forEach(l -> {}), "drain");
        drain.setDaemon(true);
        drain.start();
        return;
      }
      if (System.nanoTime() > deadline) {
        break;
      }
    }
    throw new IllegalStateException("server process did not start");
  }

  private static long running(String schema, String server) throws Exception {
    return count(
        "SELECT COUNT(*) FROM "
            + schema
            + ".ledger s WHERE s.event = 'start' AND s.server_id = '"
            + server
            + "' AND NOT EXISTS (SELECT 1 FROM "
            + schema
            + ".ledger e WHERE e.event = 'end' AND e.job_id = s.job_id AND e.token = s.token)");
  }

  private static long ended(String schema) throws Exception {
    return count("SELECT COUNT(DISTINCT job_id) FROM " + schema + ".ledger WHERE event = 'end'");
  }

  private static long count(String sql) throws Exception {
    try (Connection c = PostgresFixture.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static Map<String, List<Row>> ledger(String schema) throws Exception {
    Map<String, List<Row>> out = new HashMap<>();
    try (Connection c = PostgresFixture.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT job_id, server_id, token, event, at FROM "
                    + schema
                    + ".ledger ORDER BY id")) {
      while (rs.next()) {
        Row r =
            new Row(
                rs.getString(1),
                rs.getString(2),
                rs.getLong(3),
                rs.getString(4),
                rs.getObject(5, java.time.OffsetDateTime.class).toInstant());
        out.computeIfAbsent(r.job(), k -> new ArrayList<>()).add(r);
      }
    }
    return out;
  }
}
