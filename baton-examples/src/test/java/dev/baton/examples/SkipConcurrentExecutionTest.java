package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.client.BatonClient;
import dev.baton.client.JobView;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.state.StateEntry;
import dev.baton.storage.JobQuery;
import dev.baton.storage.JobStorage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Scenario 2 as a process: the HTTP app's answers and counts. */
class SkipConcurrentExecutionTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path dir;

  static List<String> kinds() {
    return TestStorage.kinds().toList();
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void unguardedJobsRunTwiceTheUniqueOneOnceAndTheStatisticsCount(String kind) throws Exception {
    try (TestStorage store = TestStorage.create(kind, dir);
        JobStorage storage = store.open();
        ExampleProcess app =
            ExampleProcess.start(
                dir,
                "skip",
                SkipConcurrentExecution.class,
                "--storage=" + store.url,
                "--http-port=0",
                "--job-length=5s")) {
      String base = app.await(Pattern.compile("listening on (http://\\S+)")).group(1);
      BatonClient client = BatonClient.create(storage);
      assertThat(get(base + "/api/jobs/statistics")).isEqualTo(JSON.readTree("{\"processing\":0}"));

      // create-job-1, no guard: two calls, two jobs, running at the same time.
      JsonNode first = post(base + "/api/jobs/create-job-1", 201);
      JsonNode second = post(base + "/api/jobs/create-job-1", 201);
      assertThat(first.get("created").asBoolean()).isTrue();
      assertThat(second.get("created").asBoolean()).isTrue();
      assertThat(first.get("jobId").asText()).isNotEqualTo(second.get("jobId").asText());
      await("both job-1 run")
          .atMost(ExampleProcess.PATIENCE)
          .until(() -> get(base + "/api/jobs/statistics").get("processing").asInt() == 2);

      // create-job-2, unique while queued or running: the second call creates nothing.
      JsonNode created = post(base + "/api/jobs/create-job-2", 201);
      assertThat(created.get("created").asBoolean()).isTrue();
      String job2 = created.get("jobId").asText();
      JsonNode duplicate = post(base + "/api/jobs/create-job-2", 200);
      assertThat(duplicate.get("created").asBoolean()).isFalse();
      assertThat(duplicate.get("existingJobId").asText()).isEqualTo(job2);
      assertThat(duplicate.get("existingState").asText()).isIn("ENQUEUED", "PROCESSING");
      assertThat(duplicate.get("message").asText()).contains(job2, "nothing was created");
      assertThat(duplicate.has("jobId")).isFalse();
      assertThat(jobsOfType(client, "job-2")).isEqualTo(1);

      await("job-2 running")
          .atMost(ExampleProcess.PATIENCE)
          .until(() -> state(client, job2) == JobState.PROCESSING);
      JsonNode whileRunning = post(base + "/api/jobs/create-job-2", 200);
      assertThat(whileRunning.get("existingJobId").asText()).isEqualTo(job2);
      assertThat(whileRunning.get("existingState").asText()).isEqualTo("PROCESSING");
      assertThat(jobsOfType(client, "job-2")).isEqualTo(1);

      // Once it finished the key is free again.
      await("job-2 done")
          .atMost(ExampleProcess.PATIENCE)
          .until(() -> state(client, job2) == JobState.SUCCEEDED);
      JsonNode again = post(base + "/api/jobs/create-job-2", 201);
      assertThat(again.get("jobId").asText()).isNotEqualTo(job2);

      // The two job-1 runs overlapped (storage clock).
      JobView a = client.find(JobId.parse(first.get("jobId").asText())).orElseThrow();
      JobView b = client.find(JobId.parse(second.get("jobId").asText())).orElseThrow();
      await("job-1 done")
          .atMost(ExampleProcess.PATIENCE)
          .until(
              () ->
                  state(client, a.id()) == JobState.SUCCEEDED
                      && state(client, b.id()) == JobState.SUCCEEDED);
      Instant[] ra = run(client.find(a.id()).orElseThrow());
      Instant[] rb = run(client.find(b.id()).orElseThrow());
      assertThat(ra[0].isBefore(rb[1]) && rb[0].isBefore(ra[1])).isTrue();
      assertThat(
              http.send(
                      HttpRequest.newBuilder(URI.create(base + "/api/jobs/statistics"))
                          .POST(HttpRequest.BodyPublishers.noBody())
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(405);
    }
  }

  private static JobState state(BatonClient client, Object id) {
    JobId jobId = id instanceof JobId j ? j : JobId.parse(id.toString());
    return client.find(jobId).map(JobView::state).orElse(null);
  }

  private static long jobsOfType(BatonClient client, String type) {
    return client.monitor().findJobs(new JobQuery(null, null, type, 0, 100)).total();
  }

  /** From the PROCESSING entry to the one after it. */
  private static Instant[] run(JobView view) {
    List<StateEntry> h = view.history();
    for (int i = 0; i < h.size() - 1; i++) {
      if (h.get(i).state() == JobState.PROCESSING) {
        return new Instant[] {h.get(i).at(), h.get(i + 1).at()};
      }
    }
    throw new AssertionError("no run in " + h);
  }

  private JsonNode get(String url) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private JsonNode post(String url, int status) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    return JSON.readTree(r.body());
  }
}
