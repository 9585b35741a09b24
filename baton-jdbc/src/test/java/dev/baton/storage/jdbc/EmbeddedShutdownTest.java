package dev.baton.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.client.BatonClient;
import dev.baton.client.JobView;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/server.md's embedding recipe, tried for real: an application process with a Baton server on
 * the H2 file storage and a shutdown hook gets SIGTERM while a long job runs. The job is handed
 * back at once (ENQUEUED, attempt unchanged, the reason says so), the process exits, and the H2
 * file opens again with nothing lost.
 */
class EmbeddedShutdownTest {
  @TempDir Path dir;

  @Test
  void sigtermHandsTheRunningJobBackAndLeavesTheFileUsable() throws Exception {
    JobId id;
    try (JdbcStorage storage = JdbcStorage.h2File(dir).build()) {
      id =
          BatonClient.create(storage)
              .enqueue(EmbeddedShutdownMain.LONG_JOB, new EmbeddedShutdownMain.Work(120_000))
              .id();
    }
    Process app = launch();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = out.readLine()) != null && !line.startsWith("RUNNING")) {
        // READY, then the job starts
      }
      assertThat(line).as("the job started").startsWith("RUNNING " + id);
      Thread drain = new Thread(() -> out.lines().forEach(l -> {}), "drain"); // a full pipe blocks
      drain.setDaemon(true);
      drain.start();
      long sent = System.nanoTime();
      app.destroy(); // SIGTERM
      assertThat(app.waitFor(30, TimeUnit.SECONDS)).as("the process exited").isTrue();
      long exitMillis = (System.nanoTime() - sent) / 1_000_000;
      // Before H2ClosedDatabaseEviction: 15-20 s, the pool handing out connections H2's own
      // shutdown hook had closed.
      assertThat(exitMillis)
          .as("handed back at once, not after the shutdown grace")
          .isLessThan(10_000);
    } finally {
      app.destroyForcibly();
    }
    try (JdbcStorage storage = JdbcStorage.h2File(dir).build()) {
      JobView job = BatonClient.create(storage).find(id).orElseThrow();
      assertThat(job.state()).isEqualTo(JobState.ENQUEUED);
      assertThat(job.attempt()).as("the interrupted attempt is not spent").isLessThanOrEqualTo(1);
      assertThat(job.lastEntry().serverId()).isEqualTo("embedded");
      assertThat(job.lastEntry().reason()).contains("shutting down", "without spending an attempt");
    }
  }

  private Process launch() throws Exception {
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String java =
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    return new ProcessBuilder(
            java,
            "-Xmx256m",
            "-cp",
            classpath,
            EmbeddedShutdownMain.class.getName(),
            dir.toString())
        .redirectErrorStream(true)
        .start();
  }
}
