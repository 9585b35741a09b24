package dev.baton.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app as a process on H2 files: SIGTERM (what Ctrl-C sends, as far as shutdown hooks go) shuts
 * the server down gracefully, with the database still open for it.
 */
class ShutdownTest {
  /** Running, and the slow job is under way (so there is a job to cancel). */
  private static boolean started(Path log) throws IOException {
    String out = Files.readString(log);
    return out.contains("Running. Press Ctrl-C") && out.contains("slow-import: starting");
  }

  @Test
  void sigtermShutsDownGracefully(@TempDir Path dir) throws IOException, InterruptedException {
    Path log = dir.resolve("out.txt");
    Process app =
        AppProcess.start(
            log,
            "--storage=h2",
            "--data-dir=" + dir.resolve("data"),
            "--server-id=sigterm-test",
            "--port=0");
    try {
      await("the app started, output:%n%s".formatted(log))
          .atMost(Duration.ofSeconds(60))
          .until(() -> started(log) || !app.isAlive());
      assertThat(app.isAlive()).as("running, output: %s", Files.readString(log)).isTrue();
      app.destroy(); // SIGTERM: shutdown hooks run
      assertThat(app.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
    } finally {
      app.destroyForcibly();
    }
    String out = Files.readString(log);
    assertThat(out)
        .contains("Shutting down gracefully")
        .contains("slow-import: cancelled at step")
        .contains("server sigterm-test stopped")
        .contains("Stopped.")
        .doesNotContain("Database is already closed")
        .doesNotContain("could not deregister");
  }
}
