package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.client.BatonClient;
import dev.baton.client.JobView;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.state.StateEntry;
import dev.baton.storage.JobStorage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Scenario 5 as processes: a running job stops within a second of a delete issued by the {@code
 * baton} CLI, starts again when the CLI requeues it, and stops within a second of a delete from
 * another instance.
 */
class CancellationTest {
  /** The {@code baton} command line's main class (baton-server). */
  static final String BATON_CLI = "dev.baton.app.BatonApp";

  private static final Duration WITHIN = Duration.ofSeconds(1);

  @TempDir Path dir;

  static List<String> kinds() {
    return TestStorage.kinds().toList();
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void aDeleteFromTheCliOrAnotherInstanceStopsTheJobWithinASecond(String kind) throws Exception {
    try (TestStorage store = TestStorage.create(kind, dir);
        JobStorage storage = store.open();
        ExampleProcess server =
            ExampleProcess.start(
                dir,
                "cancel-a",
                Cancellation.class,
                "server",
                "--name=instance-a",
                "--storage=" + store.url,
                "--enqueue",
                "--job-length=300s",
                "--port=0")) {
      BatonClient client = BatonClient.create(storage);
      String dashboard = server.await(Pattern.compile("dashboard: (http://\\S+?)/? ")).group(1);
      String id = server.await(Pattern.compile("enqueued long-export job (\\S+)")).group(1);
      JobId jobId = JobId.parse(id);
      Pattern started = Pattern.compile("yearly-export started \\(job " + id);
      Pattern stopped = Pattern.compile("yearly-export stopped \\(job " + id + "\\): (.*)");
      server.await(started);

      // 1. ./baton jobs delete ID --storage=URL
      try (ExampleProcess cli =
          ExampleProcess.start(
              dir, "cli-delete", BATON_CLI, "jobs", "delete", id, "--storage=" + store.url)) {
        assertThat(cli.waitFor(ExampleProcess.PATIENCE)).as(cli.output()).isZero();
      }
      String reason = server.await(stopped).group(1);
      assertThat(reason).contains("deleted");
      assertStoppedWithinASecondOfTheDelete(client, jobId, server, stopped, 1);
      assertThat(client.find(jobId).orElseThrow().state()).isEqualTo(JobState.DELETED);

      // 2. ./baton jobs requeue ID: it starts again.
      try (ExampleProcess cli =
          ExampleProcess.start(
              dir, "cli-requeue", BATON_CLI, "jobs", "requeue", id, "--storage=" + store.url)) {
        assertThat(cli.waitFor(ExampleProcess.PATIENCE)).as(cli.output()).isZero();
      }
      org.awaitility.Awaitility.await("started again")
          .atMost(ExampleProcess.PATIENCE)
          .until(() -> server.matches(started).size() == 2);
      assertThat(client.find(jobId).orElseThrow().state()).isEqualTo(JobState.PROCESSING);

      // 3. Deleted by another instance of the example (another process, its own client).
      try (ExampleProcess other =
          ExampleProcess.start(
              dir, "cancel-b", Cancellation.class, "delete", id, "--storage=" + store.url)) {
        assertThat(other.waitFor(ExampleProcess.PATIENCE)).as(other.output()).isZero();
        assertThat(other.output()).contains("delete " + id + ": done");
      }
      org.awaitility.Awaitility.await("stopped again")
          .atMost(ExampleProcess.PATIENCE)
          .until(() -> server.matches(stopped).size() == 2);
      assertStoppedWithinASecondOfTheDelete(client, jobId, server, stopped, 2);

      // 4. The dashboard's REST API (what its Requeue and Delete buttons call): requeue, delete.
      assertThat(send(dashboard + "/api/v1/jobs/" + id + "/requeue", "POST")).isEqualTo(200);
      org.awaitility.Awaitility.await("started a third time")
          .atMost(ExampleProcess.PATIENCE)
          .until(() -> server.matches(started).size() == 3);
      assertThat(send(dashboard + "/api/v1/jobs/" + id, "DELETE")).isEqualTo(200);
      assertStoppedWithinASecondOfTheDelete(client, jobId, server, stopped, 3);
      assertThat(server.process().isAlive()).isTrue();
    }
  }

  /** A request as a script sends it (no browser headers, so no CSRF token); the status. */
  private static int send(String url, String method) throws Exception {
    java.net.http.HttpResponse<String> r =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                    .method(method, java.net.http.HttpRequest.BodyPublishers.noBody())
                    .timeout(Duration.ofSeconds(30))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    System.out.printf("%s %s -> %d %s%n", method, url, r.statusCode(), r.body());
    return r.statusCode();
  }

  /** The n-th "stopped" line is printed within a second of the n-th DELETED entry (same host). */
  private static void assertStoppedWithinASecondOfTheDelete(
      BatonClient client, JobId id, ExampleProcess server, Pattern stopped, int n) {
    org.awaitility.Awaitility.await("stop number " + n)
        .atMost(ExampleProcess.PATIENCE)
        .until(() -> server.matches(stopped).size() >= n);
    JobView view = client.find(id).orElseThrow();
    List<Instant> deletes =
        view.history().stream()
            .filter(e -> e.state() == JobState.DELETED)
            .map(StateEntry::at)
            .toList();
    assertThat(deletes).hasSizeGreaterThanOrEqualTo(n);
    Instant deleted = deletes.get(n - 1);
    Instant stop =
        server.lines().stream()
            .filter(l -> stopped.matcher(l.text()).find())
            .toList()
            .get(n - 1)
            .at();
    System.out.printf(
        "%s: stop %d printed %d ms after the delete%n",
        server, n, Duration.between(deleted, stop).toMillis());
    assertThat(Duration.between(deleted, stop))
        .as("from the delete at %s to the stop at %s", deleted, stop)
        .isLessThan(WITHIN)
        .isGreaterThan(Duration.ofMillis(-50)); // clocks of one machine; a little slack
  }
}
