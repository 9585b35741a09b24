package dev.baton.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.client.BatonClient;
import dev.baton.client.JobView;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.JobQuery;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The sample application over real HTTP on a random port, whatever its storage: the subclasses
 * start it on H2 files and on PostgreSQL.
 */
abstract class SampleApplicationContract {
  /** Long enough to call create-job-2 again while the first runs, short enough for the build. */
  static final String JOB_LENGTH = "2s";

  /** What every subclass starts the application with besides its storage: quick jobs and ticks. */
  static void common(DynamicPropertyRegistry registry) {
    registry.add("sample.job-length", () -> JOB_LENGTH);
    registry.add("sample.heartbeat-cron", () -> "* * * * * *");
    registry.add("sample.refresh-interval", () -> "200ms");
    registry.add("baton.server.shutdown-grace", () -> "0s");
  }

  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final ObjectMapper JSON = new ObjectMapper();

  @LocalServerPort int port;
  @Autowired BatonClient client;
  @Autowired Heartbeat heartbeat;
  @Autowired LockedRefresh refresh;

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> send(String method, String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode post(String path, int status) throws Exception {
    HttpResponse<String> r = send("POST", path);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    return JSON.readTree(r.body());
  }

  private long processing() throws Exception {
    HttpResponse<String> r = send("GET", "/api/jobs/statistics");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body()).get("processing").asLong();
  }

  private JobState state(String id) {
    return client.find(JobId.parse(id)).map(JobView::state).orElseThrow();
  }

  private long jobsOfType(String type) {
    return client.monitor().findJobs(new JobQuery(null, null, type, 0, 100)).total();
  }

  @Test
  void createJob1TwiceGivesTwoJobsThatRunSideBySide() throws Exception {
    JsonNode first = post("/api/jobs/create-job-1", 201);
    JsonNode second = post("/api/jobs/create-job-1", 201);
    assertThat(first.get("created").asBoolean()).isTrue();
    assertThat(second.get("jobId").asText()).isNotEqualTo(first.get("jobId").asText());
    await()
        .atMost(WAIT)
        .until(
            () ->
                state(first.get("jobId").asText()) == JobState.PROCESSING
                    && state(second.get("jobId").asText()) == JobState.PROCESSING);
    assertThat(processing()).isGreaterThanOrEqualTo(2);
    await()
        .atMost(WAIT)
        .until(
            () ->
                state(first.get("jobId").asText()) == JobState.SUCCEEDED
                    && state(second.get("jobId").asText()) == JobState.SUCCEEDED);
  }

  @Test
  void createJob2WhileOneRunsCreatesNothingAndNamesIt() throws Exception {
    JsonNode first = post("/api/jobs/create-job-2", 201);
    String id = first.get("jobId").asText();
    await().atMost(WAIT).until(() -> state(id) == JobState.PROCESSING);

    JsonNode again = post("/api/jobs/create-job-2", 200);
    assertThat(again.get("created").asBoolean()).isFalse();
    assertThat(again.get("duplicate").asBoolean()).isTrue();
    assertThat(again.get("existingJobId").asText()).isEqualTo(id);
    assertThat(again.get("existingState").asText()).isEqualTo("PROCESSING");
    assertThat(again.get("message").asText()).contains(id).contains("nothing was created");
    assertThat(jobsOfType("job-2")).isEqualTo(1);
    assertThat(processing()).isGreaterThanOrEqualTo(1);

    await().atMost(WAIT).until(() -> state(id) == JobState.SUCCEEDED);
    // The recurring heartbeat may be running at any moment, but only for an instant.
    await().atMost(WAIT).until(() -> processing() == 0);
  }

  @Test
  void theRecurringJobFiresAndTheLockedTaskSeesIncreasingTokens() {
    await().atMost(WAIT).until(() -> heartbeat.runs() >= 2);
    assertThat(client.recurring().list())
        .anySatisfy(r -> assertThat(r.definition().cron()).isEqualTo("* * * * * *"));
    await().atMost(WAIT).until(() -> refresh.lastToken() > 0);
    long token = refresh.lastToken();
    // atLeast = 1s keeps the lock taken after each quick run; the next holder's token is greater.
    await().atMost(WAIT).until(() -> refresh.lastToken() > token);
  }

  @Test
  void theDashboardAnswersUnderBaton() throws Exception {
    HttpResponse<String> page = send("GET", "/baton/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).contains("text/html"));
    HttpResponse<String> stats = send("GET", "/baton/api/v1/stats");
    assertThat(stats.statusCode()).as(stats.body()).isEqualTo(200);
    assertThat(stats.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).contains("application/json"));
    assertThat(JSON.readTree(stats.body()).has("states")).isTrue();
  }
}
