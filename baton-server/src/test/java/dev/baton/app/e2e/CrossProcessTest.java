package dev.baton.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.app.AppProcess;
import dev.baton.client.BatonClient;
import dev.baton.client.JobView;
import dev.baton.job.JobId;
import dev.baton.job.JobType;
import dev.baton.state.JobState;
import dev.baton.state.StateEntry;
import dev.baton.storage.jdbc.JdbcStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in this JVM, the job in another process (the real app on a shared H2 directory):
 * deleting the running job from its page fires its cancellation on the server that runs it.
 */
class CrossProcessTest {
  /** The app's demo import, by name and shape (the app's own type is package-private). */
  record Import(String file, int batches) {}

  static final JobType<Import> IMPORT = JobType.of("demo.import", Import.class);

  @TempDir Path dir;

  private String output() throws IOException {
    return Files.readString(dir.resolve("app.txt"));
  }

  private static JobState state(BatonClient client, JobId id) {
    return client.find(id).map(JobView::state).orElse(null);
  }

  @Test
  void deletingARunningJobFromThePageCancelsItInTheProcessThatRunsIt() throws Exception {
    Process app =
        AppProcess.start(
            dir.resolve("app.txt"),
            "--storage=h2",
            "--data-dir=" + dir.resolve("data"),
            "--server-id=other-process",
            "--demo=false",
            "--dashboard=false");
    try (JdbcStorage storage = JdbcStorage.h2File(dir.resolve("data")).build();
        LiveDashboard live = LiveDashboard.withoutServer(storage);
        Browser browser = Browser.start()) {
      await("the app runs")
          .atMost(Duration.ofSeconds(60))
          .until(() -> output().contains("Running. Press Ctrl-C") || !app.isAlive());
      assertThat(app.isAlive()).as("app alive; output:%n%s", output()).isTrue();

      JobId id = live.client().enqueue(IMPORT, new Import("watched.csv", 300)).id();
      await("the other process runs it")
          .atMost(Duration.ofSeconds(30))
          .until(() -> state(live.client(), id) == JobState.PROCESSING);
      assertThat(live.client().find(id).orElseThrow().owner()).isEqualTo("other-process");

      browser.open(live.url("/jobs/" + id));
      browser.await(
          "PROCESSING shown", () -> "PROCESSING".equals(browser.attr("job-state", "data-state")));
      assertThat(browser.text("job-owner")).contains("other-process");
      browser.await("progress shown", () -> browser.attr("progress", "data-value") != null);
      int progress = Integer.parseInt(browser.attr("progress", "data-value"));
      browser.await("log lines", () -> browser.allByTestId("log-line").size() >= 2);
      int lines = browser.allByTestId("log-line").size();
      browser.await(
          "progress moves",
          Duration.ofSeconds(30),
          () -> Integer.parseInt(browser.attr("progress", "data-value")) > progress);
      browser.await("log lines arrive", () -> browser.allByTestId("log-line").size() > lines);
      assertThat(browser.text("logs")).contains("rows imported");

      browser.clickAndConfirm("btn-delete");
      browser.await(
          "the page shows it leave PROCESSING",
          () -> "DELETED".equals(browser.attr("job-state", "data-state")));
      await("the other process's handler saw its cancellation")
          .atMost(Duration.ofSeconds(15))
          .until(() -> output().contains("watched.csv: cancelled at batch"));
      StateEntry deleted = live.client().find(id).orElseThrow().lastEntry();
      assertThat(deleted.state()).isEqualTo(JobState.DELETED);
      browser.await(
          "the history shows the deletion",
          () ->
              browser.allByTestId("history-entry").stream()
                  .anyMatch(e -> "DELETED".equals(e.getAttribute("data-state"))));
    } finally {
      app.destroy();
      if (!app.waitFor(30, TimeUnit.SECONDS)) {
        app.destroyForcibly();
      }
    }
  }
}
