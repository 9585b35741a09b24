package dev.baton.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.client.BatonClient;
import dev.baton.client.JobView;
import dev.baton.job.JobId;
import dev.baton.job.JobType;
import dev.baton.recurring.RecurringJobInfo;
import dev.baton.state.JobState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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
    try (BatonApp app =
        BatonApp.start(AppOptions.parse("--storage=memory", "--workers=4", "--port=0"), out)) {
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

      // What the dashboard's pages show: a failure for good, a long job, a line behind a mutex.
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                assertThat(state(client, demo.charge())).isEqualTo(JobState.FAILED);
                assertThat(state(client, demo.longImport())).isEqualTo(JobState.PROCESSING);
                assertThat(state(client, demo.afterImport())).isEqualTo(JobState.AWAITING);
                assertThat(state(client, demo.exports().get(0))).isEqualTo(JobState.PROCESSING);
                assertThat(demo.exports().subList(1, 3))
                    .allMatch(id -> state(client, id) == JobState.BLOCKED);
                assertThat(state(client, demo.later())).isEqualTo(JobState.SCHEDULED);
              });
      assertThat(client.find(demo.charge()).orElseThrow().attempt()).isEqualTo(2);
      assertThat(client.recurring().find(DemoJobs.NIGHTLY_ID)).isPresent();
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
          .contains("dashboard: " + app.dashboardUrl() + " (no login")
          .contains("charging ACME Corp: the gateway refuses")
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
    try (BatonApp app =
        BatonApp.start(
            AppOptions.parse("--storage=memory", "--demo=false", "--dashboard=false"), out)) {
      assertThat(app.demo()).isNull();
      assertThat(app.client().recurring().list()).isEmpty();
      assertThat(app.server().isRunning()).isTrue();
    }
    assertThat(printed()).contains("demo jobs: off").contains("dashboard: off (--dashboard=false)");
  }

  @Test
  void theDashboardServesTheApiOnTheChosenPortAndClosesWithTheApp() throws Exception {
    String url;
    try (BatonApp app = BatonApp.start(AppOptions.parse("--storage=memory", "--port=0"), out)) {
      url = app.dashboardUrl();
      assertThat(url).startsWith("http://127.0.0.1:").doesNotEndWith(":0/");
      HttpResponse<String> types =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(url + "api/v1/job-types")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(types.statusCode()).isEqualTo(200);
      for (JobType<?> type : DemoJobs.TYPES) {
        assertThat(types.body()).contains("\"" + type.name() + "\"");
      }
    }
    assertThatThrownBy(
            () ->
                HttpClient.newHttpClient()
                    .send(
                        HttpRequest.newBuilder(URI.create(url + "api/v1/stats")).build(),
                        HttpResponse.BodyHandlers.ofString()))
        .as("closed with the app")
        .isInstanceOf(IOException.class);
  }

  @Test
  void aPublicOriginMayChangeJobsFromABrowserAndOthersMayNot() throws Exception {
    String publicOrigin = "https://jobs.example.com";
    try (BatonApp app =
        BatonApp.start(
            AppOptions.parse(
                "--storage=memory", "--port=0", "--demo=false", "--public-origin=" + publicOrigin),
            out)) {
      HttpClient http = HttpClient.newHttpClient();
      String me =
          http.send(
                  HttpRequest.newBuilder(URI.create(app.dashboardUrl() + "api/v1/me")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      String token = me.replaceAll("(?s).*\"csrf\"\\s*:\\s*\"([^\"]+)\".*", "$1");
      String job = "{\"type\":\"demo.hello\",\"args\":{\"name\":\"proxy\"}}";
      List<Integer> statuses = new ArrayList<>();
      for (String origin :
          List.of(publicOrigin, "https://evil.example", "http://jobs.example.com")) {
        statuses.add(
            http.send(
                    HttpRequest.newBuilder(URI.create(app.dashboardUrl() + "api/v1/jobs"))
                        .header("Content-Type", "application/json")
                        .header("Origin", origin)
                        .header("Sec-Fetch-Site", "same-origin")
                        .header("X-Baton-Csrf", token)
                        .POST(HttpRequest.BodyPublishers.ofString(job))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode());
      }
      assertThat(statuses).containsExactly(201, 403, 403);
    }
    assertThat(
            AppOptions.parse("--public-origin=HTTPS://Jobs.Example.com/, http://b.example:8080")
                .dashboard()
                .publicOrigins())
        .containsExactly("https://jobs.example.com", "http://b.example:8080");
    assertThatThrownBy(() -> AppOptions.parse("--public-origin=https://jobs.example.com/baton"))
        .hasMessageStartingWith(
            "--public-origin: public origin 'https://jobs.example.com/baton' must be scheme, host and port only");
  }

  @Test
  void aPortInUseSaysSoInOneLineAndExitsWithTwo(@TempDir Path dir) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Path output = dir.resolve("out.txt");
      Process app = AppProcess.start(output, "--storage=memory", "--port=" + taken.getLocalPort());
      try {
        assertThat(app.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
        assertThat(app.exitValue()).isEqualTo(2);
      } finally {
        app.destroyForcibly();
      }
      assertThat(Files.readString(output))
          .contains(
              "error: dashboard: port "
                  + taken.getLocalPort()
                  + " is in use; start with --port=N (0 = any free port) or --dashboard=false")
          .as("nothing started")
          .doesNotContain("Baton server");
    }
  }
}
