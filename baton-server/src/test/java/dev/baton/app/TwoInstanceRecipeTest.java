package dev.baton.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.client.BatonClient;
import dev.baton.client.JobView;
import dev.baton.job.JobId;
import dev.baton.recurring.RecurringJob;
import dev.baton.recurring.RecurringJobInfo;
import dev.baton.state.JobState;
import dev.baton.state.StateEntry;
import dev.baton.storage.jdbc.JdbcStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two-instance recipe of docs/server-app.md as written ({@code --name=one}, then {@code
 * --name=two --demo=false}), on a temporary H2 directory and free ports: the second instance leaves
 * the demo's recurring job alone, and every occurrence of it is run exactly once, by one of the two
 * processes. The ledger is the processes' own output: the demo's tick handler prints the tail of
 * its job id each time it runs.
 */
class TwoInstanceRecipeTest {
  @TempDir Path dir;

  private final List<Process> apps = new ArrayList<>();

  @AfterEach
  void stopApps() throws InterruptedException {
    for (Process app : apps) {
      app.destroy();
    }
    for (Process app : apps) {
      if (!app.waitFor(30, TimeUnit.SECONDS)) {
        app.destroyForcibly();
      }
    }
  }

  private Process start(String name, String... recipeOptions) throws IOException {
    List<String> options = new ArrayList<>(List.of(recipeOptions));
    options.add("--data-dir=" + dir.resolve("data"));
    options.add("--port=0");
    Process app = AppProcess.start(dir.resolve(name + ".txt"), options.toArray(String[]::new));
    apps.add(app);
    await("instance " + name + " running")
        .atMost(Duration.ofSeconds(60))
        .until(() -> !app.isAlive() || output(name).contains("Running. Press Ctrl-C"));
    assertThat(app.isAlive())
        .as("instance %s is alive; it printed:%n%s", name, output(name))
        .isTrue();
    return app;
  }

  private String output(String name) throws IOException {
    Path file = dir.resolve(name + ".txt");
    return Files.exists(file) ? Files.readString(file) : "";
  }

  @Test
  void eachOccurrenceOfTheDemoRecurringJobRunsOnceWithTheSecondInstanceStartedWithoutTheDemo()
      throws Exception {
    // The test's own storage opens the H2 file first and hosts it (see TwoInstancesTest).
    try (JdbcStorage storage = JdbcStorage.h2File(dir.resolve("data")).build()) {
      BatonClient client = BatonClient.create(storage);
      start("one", "--name=one");
      start("two", "--name=two", "--demo=false");

      assertThat(output("two")).doesNotContain("removed");
      assertThat(output("two"))
          .contains("the demo recurring jobs [demo-every-10-seconds, demo-nightly-cleanup]")
          .contains("./baton recurring remove ID");
      assertThat(client.recurring().list())
          .extracting(RecurringJobInfo::id)
          .contains(DemoJobs.RECURRING_ID);

      // The next three occurrences of */10 s after both instances run.
      Instant first = storage.now().truncatedTo(ChronoUnit.SECONDS);
      first = first.plusSeconds(10 - first.getEpochSecond() % 10);
      List<Instant> occurrences = List.of(first, first.plusSeconds(10), first.plusSeconds(20));
      JobId last = RecurringJob.occurrenceId(DemoJobs.RECURRING_ID, occurrences.get(2));
      await("the third occurrence succeeded")
          .atMost(Duration.ofSeconds(60))
          .until(() -> client.find(last).map(JobView::state).orElse(null) == JobState.SUCCEEDED);

      String printed = output("one") + output("two");
      for (Instant occurrence : occurrences) {
        JobId id = RecurringJob.occurrenceId(DemoJobs.RECURRING_ID, occurrence);
        JobView job =
            client.find(id).orElseThrow(() -> new AssertionError("no job for " + occurrence));
        assertThat(job.state()).as("occurrence %s", occurrence).isEqualTo(JobState.SUCCEEDED);
        List<StateEntry> runs =
            job.history().stream().filter(e -> e.state() == JobState.PROCESSING).toList();
        assertThat(runs).as("runs of occurrence %s", occurrence).hasSize(1);
        assertThat(runs.get(0).serverId()).isIn("one", "two");
        String tail = id.toString().substring(id.toString().length() - 6);
        assertThat(
                Pattern.compile("\\[demo\\.tick \\.\\." + tail + "] recurring tick")
                    .matcher(printed)
                    .results()
                    .count())
            .as("lines printed by the run of occurrence %s (%s)", occurrence, id)
            .isEqualTo(1);
      }
    }
  }
}
