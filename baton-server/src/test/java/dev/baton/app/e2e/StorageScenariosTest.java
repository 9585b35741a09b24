package dev.baton.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.client.BatonClient;
import dev.baton.client.JobView;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The overview, the jobs list and the job page in a real browser, on every storage: counts move as
 * jobs run, a running job's progress and log lines move, deleting it from its page fires its
 * cancellation, and a failed job requeued from its page runs again.
 */
class StorageScenariosTest {
  private static Browser browser;

  @TempDir Path dir;

  @BeforeAll
  static void startBrowser() {
    browser = Browser.start();
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  private static JobState state(BatonClient client, JobId id) {
    return client.find(id).map(JobView::state).orElse(null);
  }

  private static int intAttr(String testId, String name) {
    String value = browser.attr(testId, name);
    return value == null || value.isEmpty() ? -1 : Integer.parseInt(value);
  }

  @ParameterizedTest
  @EnumSource(TestStorage.class)
  void overviewCountsMoveAsJobsRun(TestStorage kind) {
    try (TestStorage.Opened storage = kind.open(dir);
        LiveDashboard live = LiveDashboard.withServer(storage.storage(), "e2e-" + kind)) {
      browser.open(live.url());
      browser.await("the counts shown", () -> intAttr("count-SUCCEEDED", "data-value") == 0);
      List<JobId> ids = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        ids.add(live.client().enqueue(E2eJobs.LONG, new E2eJobs.Steps("count-" + i, 10, 200)).id());
      }
      browser.await(
          "PROCESSING counted (live, without a reload)",
          () -> intAttr("count-PROCESSING", "data-value") >= 1);
      browser.await("three SUCCEEDED counted", () -> intAttr("count-SUCCEEDED", "data-value") == 3);
      browser.await("none PROCESSING", () -> intAttr("count-PROCESSING", "data-value") == 0);
      assertThat(ids).allMatch(id -> state(live.client(), id) == JobState.SUCCEEDED);

      browser.open(live.url("/jobs?state=SUCCEEDED"));
      browser.await("three rows", () -> browser.allByTestId("job-row").size() == 3);
      assertThat(browser.allByTestId("job-row"))
          .extracting(row -> row.getAttribute("data-id"))
          .containsExactlyInAnyOrderElementsOf(ids.stream().map(JobId::toString).toList());
    }
  }

  @ParameterizedTest
  @EnumSource(TestStorage.class)
  void aRunningJobsPageMovesAndDeletingItCancelsIt(TestStorage kind) {
    try (TestStorage.Opened storage = kind.open(dir);
        LiveDashboard live = LiveDashboard.withServer(storage.storage(), "e2e-" + kind)) {
      JobId id = live.client().enqueue(E2eJobs.LONG, new E2eJobs.Steps("watched", 200, 250)).id();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> state(live.client(), id) == JobState.PROCESSING);
      browser.open(live.url("/jobs/" + id));
      browser.await(
          "PROCESSING shown", () -> "PROCESSING".equals(browser.attr("job-state", "data-state")));
      browser.await("some progress", () -> intAttr("progress", "data-value") > 0);
      int progress = intAttr("progress", "data-value");
      browser.await("log lines", () -> browser.allByTestId("log-line").size() > 0);
      int lines = browser.allByTestId("log-line").size();
      browser.await("progress moves", () -> intAttr("progress", "data-value") > progress);
      browser.await("log lines arrive", () -> browser.allByTestId("log-line").size() > lines);
      assertThat(browser.text("logs")).contains("watched: step 1 of 200");

      browser.clickAndConfirm("btn-delete");
      browser.await(
          "the page shows it leave PROCESSING",
          () -> "DELETED".equals(browser.attr("job-state", "data-state")));
      await("the cancellation fired on the server that ran it")
          .atMost(Duration.ofSeconds(10))
          .until(() -> live.jobs.cancelled.containsKey(id));
      assertThat(state(live.client(), id)).isEqualTo(JobState.DELETED);
    }
  }

  @ParameterizedTest
  @EnumSource(TestStorage.class)
  void aFailedJobRequeuedFromItsPageRunsAgain(TestStorage kind) {
    try (TestStorage.Opened storage = kind.open(dir);
        LiveDashboard live = LiveDashboard.withServer(storage.storage(), "e2e-" + kind)) {
      JobId id = live.client().enqueue(E2eJobs.FAIL, new E2eJobs.Fail("the disk is full", 1)).id();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> state(live.client(), id) == JobState.FAILED);
      browser.open(live.url("/jobs/" + id));
      browser.await("FAILED shown", () -> "FAILED".equals(browser.attr("job-state", "data-state")));
      assertThat(browser.byTestId("stack-trace").getAttribute("textContent"))
          .contains("java.lang.IllegalStateException: the disk is full")
          .contains("at dev.baton.app.e2e.E2eJobs.fail");

      browser.click("btn-requeue");
      browser.await(
          "it ran again and succeeded",
          Duration.ofSeconds(30),
          () -> "SUCCEEDED".equals(browser.attr("job-state", "data-state")));
      assertThat(live.jobs.runs(id)).isEqualTo(2);
    }
  }
}
