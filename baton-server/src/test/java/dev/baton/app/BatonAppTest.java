package dev.baton.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.client.BatonClient;
import dev.baton.client.JobView;
import dev.baton.job.JobId;
import dev.baton.recurring.RecurringJobInfo;
import dev.baton.state.JobState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The app in-process on the memory storage: the demo jobs really run. */
class BatonAppTest {
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

  private String printed() {
    synchronized (printed) {
      return printed.toString(StandardCharsets.UTF_8);
    }
  }

  private static JobState state(BatonClient client, JobId id) {
    return client.find(id).map(JobView::state).orElse(null);
  }

  @Test
  void theDemoJobsRun() {
    try (BatonApp app = BatonApp.start(AppOptions.parse("--storage=memory", "--workers=4"), out)) {
      BatonClient client = app.client();
      DemoJobs.Enqueued demo = app.demo();
      List<JobId> all = new ArrayList<>(List.of(demo.hello(), demo.slow(), demo.flaky()));
      all.addAll(demo.reports());
      all.addAll(demo.pipeline());

      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                for (JobId id : all) {
                  assertThat(state(client, id)).as("job " + id).isEqualTo(JobState.SUCCEEDED);
                }
              });
      assertThat(client.find(demo.flaky()).orElseThrow().attempt()).isEqualTo(3);
      assertThat(client.find(demo.slow()).orElseThrow().progress()).isEqualTo(100);

      // The recurring job fires every 10 seconds, and its job runs.
      await()
          .atMost(Duration.ofSeconds(25))
          .until(
              () -> {
                Optional<RecurringJobInfo> info = client.recurring().find(DemoJobs.RECURRING_ID);
                return info.isPresent()
                    && info.get().lastJobId() != null
                    && state(client, info.get().lastJobId()) == JobState.SUCCEEDED;
              });

      String text = printed();
      assertThat(text)
          .contains("storage:   in-memory")
          .contains("server id: " + app.server().serverId())
          .contains("Hello, Baton!")
          .contains("flaky-call: succeeded on attempt 3")
          .contains("pipeline: 3/3 publish done")
          .contains("report 3 for acme: done")
          .contains("recurring tick");
    }
    assertThat(printed()).contains("Stopped.");
  }

  @Test
  void withoutTheDemoNothingIsEnqueued() {
    try (BatonApp app = BatonApp.start(AppOptions.parse("--storage=memory", "--demo=false"), out)) {
      assertThat(app.demo()).isNull();
      assertThat(app.client().recurring().list()).isEmpty();
      assertThat(app.server().isRunning()).isTrue();
    }
    assertThat(printed()).contains("demo jobs: off");
  }

  @Test
  void h2FilesKeepJobsAndDefinitionsAcrossRestarts(@TempDir Path dir) {
    String[] h2 = {"--storage=h2", "--data-dir=" + dir, "--server-id=h2-test"};
    JobId hello;
    try (BatonApp app = BatonApp.start(AppOptions.parse(h2), out)) {
      hello = app.demo().hello();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> state(app.client(), hello) == JobState.SUCCEEDED);
    }
    String[] again = {"--storage=h2", "--data-dir=" + dir, "--demo=false"};
    try (BatonApp app = BatonApp.start(AppOptions.parse(again), out)) {
      assertThat(state(app.client(), hello)).isEqualTo(JobState.SUCCEEDED);
      assertThat(app.client().recurring().list()).as("demo recurring job removed").isEmpty();
    }
    assertThat(printed()).contains("removed the demo recurring job");
    assertThat(printed()).contains("storage:   H2 file database in " + dir.toAbsolutePath());
  }
}
