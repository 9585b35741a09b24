package dev.baton.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.dashboard.jdk.DashboardServer;
import dev.baton.server.BatonServer;
import dev.baton.server.BatonServerConfig;
import dev.baton.storage.memory.InMemoryStorage;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Jobs enqueued through the API run on a real server; the dashboard shows what they did. */
class RunningJobsHttpTest {
  InMemoryStorage storage;
  BatonServer batonServer;
  Dashboard dashboard;
  DashboardServer web;
  Web http;
  final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void start() {
    storage = new InMemoryStorage();
    batonServer =
        BatonServer.builder(storage)
            .config(BatonServerConfig.builder().workers(2).build())
            .handle(
                TestJobs.GREET,
                (args, ctx) -> {
                  for (int i = 0; i < args.times(); i++) {
                    ctx.log().info("hello {} #{}", args.name(), i);
                  }
                  ctx.progress(50);
                  if (args.name().equals("wait")) {
                    release.await(20, TimeUnit.SECONDS);
                  }
                })
            .handle(
                TestJobs.FAIL,
                (args, ctx) -> {
                  throw new IllegalStateException(args.why());
                })
            .handle(TestJobs.NOTHING, (args, ctx) -> {})
            .build()
            .start();
    dashboard = Dashboard.builder(storage).jobTypes(TestJobs.ALL).build();
    web = DashboardServer.start(dashboard, DashboardServer.Options.builder().port(0).build());
    http = new Web(web.url());
  }

  @AfterEach
  void stop() {
    release.countDown();
    web.close();
    dashboard.close();
    batonServer.close();
    storage.close();
  }

  String enqueue(String json) {
    Web.Answer a = http.post("/api/v1/jobs", json);
    assertThat(a.status()).as(a.toString()).isEqualTo(201);
    return a.json().get("id").asText();
  }

  JsonNode job(String id) {
    return http.get("/api/v1/jobs/" + id).json();
  }

  @Test
  void aJobRunsAndItsLogsAndTimesAreShown() {
    String id = enqueue("{\"type\":\"greet\",\"args\":{\"name\":\"ann\",\"times\":5}}");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> job(id).get("state").asText().equals("SUCCEEDED"));
    JsonNode detail = job(id);
    assertThat(detail.get("logCount").asLong()).isEqualTo(5);
    assertThat(detail.get("runMs").isNumber()).isTrue();
    assertThat(detail.get("waitMs").isNumber()).isTrue();
    assertThat(detail.get("progress").asInt()).isEqualTo(50);
    JsonNode tail = http.get("/api/v1/jobs/" + id + "/logs?limit=2").json();
    assertThat(tail.get("total").asLong()).isEqualTo(5);
    assertThat(tail.get("from").asLong()).isEqualTo(3);
    assertThat(tail.get("lines").get(1).get("message").asText()).isEqualTo("hello ann #4");
    JsonNode window = http.get("/api/v1/jobs/" + id + "/logs?from=1&limit=2").json();
    assertThat(window.get("lines").get(0).get("message").asText()).isEqualTo("hello ann #1");
    assertThat(window.get("lines").get(0).get("level").asText()).isNotBlank();
  }

  @Test
  void runningJobsAreCountedAndTheServerIsListed() {
    String id = enqueue("{\"type\":\"greet\",\"args\":{\"name\":\"wait\",\"times\":1}}");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> http.get("/api/v1/stats").json().get("processing").asLong() == 1);
    JsonNode stats = http.get("/api/v1/stats").json();
    assertThat(stats.get("states").get("PROCESSING").asLong()).isEqualTo(1);
    assertThat(stats.get("servers").asInt()).isEqualTo(1);
    JsonNode servers = http.get("/api/v1/servers").json().get("servers");
    assertThat(servers).hasSize(1);
    assertThat(servers.get(0).get("serverId").asText()).isEqualTo(batonServer.serverId());
    assertThat(servers.get(0).get("beatAgeMs").isNumber()).isTrue();
    assertThat(servers.get(0).get("workers").asInt()).isEqualTo(2);
    JsonNode processing = http.get("/api/v1/jobs?state=PROCESSING").json().get("items");
    assertThat(processing.get(0).get("owner").asText()).isEqualTo(batonServer.serverId());
    JsonNode queue = http.get("/api/v1/queues").json().get("queues");
    assertThat(queue.toString()).contains("\"servers\":1");
    release.countDown();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> job(id).get("state").asText().equals("SUCCEEDED"));
  }

  @Test
  void failedJobsAreBulkRequeuedAndRunAgain() {
    String a = enqueue("{\"type\":\"fail\",\"args\":{\"why\":\"boom\"}}");
    String b = enqueue("{\"type\":\"fail\",\"args\":{\"why\":\"bang\"}}");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> http.get("/api/v1/stats").json().get("failed").asLong() == 2);
    JsonNode failed = job(a);
    JsonNode last = failed.get("history").get(failed.get("history").size() - 1);
    assertThat(last.get("exception").get("message").asText()).isEqualTo("boom");
    assertThat(last.get("exception").get("type").asText()).contains("IllegalStateException");
    Web.Answer bulk =
        http.post(
            "/api/v1/jobs/bulk",
            Web.json(
                Map.of("action", "requeue", "filter", Map.of("state", "FAILED", "type", "fail"))));
    assertThat(bulk.status()).isEqualTo(202);
    JsonNode done = ApiHttpTestSupport.awaitBulk(http, bulk.json().get("id").asText());
    assertThat(done.get("changed").asLong()).isEqualTo(2);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                job(a).get("history").size() > failed.get("history").size()
                    && job(b).get("state").asText().equals("FAILED")
                    && job(a).get("state").asText().equals("FAILED"));
    assertThat(job(a).get("history").toString()).contains("requeued from the dashboard");
  }

  @Test
  void aScheduledJobRunsNow() {
    String id = enqueue("{\"type\":\"nothing\",\"delayMs\":3600000}");
    assertThat(job(id).get("state").asText()).isEqualTo("SCHEDULED");
    assertThat(http.post("/api/v1/jobs/" + id + "/run-now", null).status()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> job(id).get("state").asText().equals("SUCCEEDED"));
  }

  @Test
  void theEventStreamFollowsARunningJob() throws Exception {
    {
      String id = enqueue("{\"type\":\"greet\",\"args\":{\"name\":\"wait\",\"times\":3}}");
      try (SseReader events =
          new SseReader(http.client(), http.base() + "/api/v1/events?job=" + id)) {
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    events.named("job").stream()
                        .anyMatch(
                            e ->
                                e.data().contains("\"PROCESSING\"")
                                    && e.data().contains("\"logTotal\":3")));
        release.countDown();
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () -> events.named("job").stream().anyMatch(e -> e.data().contains("SUCCEEDED")));
      }
    }
  }
}
