package dev.baton.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.client.BatonClient;
import dev.baton.dashboard.jdk.DashboardServer;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.MinuteStats;
import dev.baton.storage.memory.InMemoryStorage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every API route over real HTTP on the JDK server, on an in-memory storage without a server. */
class ApiHttpTest {
  static InMemoryStorage storage;
  static Dashboard dashboard;
  static DashboardServer server;
  static Web web;
  static BatonClient client;

  @BeforeAll
  static void start() {
    storage = new InMemoryStorage();
    client = BatonClient.create(storage);
    dashboard = Dashboard.builder(storage).jobTypes(TestJobs.ALL).build();
    server =
        DashboardServer.start(
            dashboard, DashboardServer.Options.builder().bind("127.0.0.1").port(0).build());
    web = new Web(server.url());
  }

  @AfterAll
  static void stop() {
    server.close();
    dashboard.close();
    storage.close();
  }

  static String enqueue(String json) {
    Web.Answer a = web.post("/api/v1/jobs", json);
    assertThat(a.status()).as(a.toString()).isEqualTo(201);
    return a.json().get("id").asText();
  }

  static long jobCount() {
    return storage.countByState().values().stream().mapToLong(Long::longValue).sum();
  }

  // ------------------------------------------------------------------ stats

  @Test
  void statsHasTopLevelProcessingCountAndSecurityHeaders() {
    Web.Answer a = web.get("/api/v1/stats");
    assertThat(a.status()).isEqualTo(200);
    JsonNode s = a.json();
    assertThat(s.has("processing")).isTrue();
    assertThat(s.get("processing").isNumber()).isTrue();
    assertThat(s.get("states").has("FAILED")).isTrue();
    assertThat(s.has("enqueued")).isTrue();
    assertThat(s.get("queues").isArray()).isTrue();
    assertThat(s.get("servers").asInt()).isZero();
    assertThat(Instant.parse(s.get("at").asText())).isNotNull();
    assertThat(a.header("Content-Type")).startsWith("application/json");
    assertThat(a.header("Content-Security-Policy"))
        .contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'");
    assertThat(a.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(a.header("Referrer-Policy")).isEqualTo("no-referrer");
    assertThat(a.header("Cache-Control")).isEqualTo("no-store");
  }

  @Test
  void headAnswersEveryGetRouteWithItsHeadersAndNoBody() {
    for (String path : List.of("/api/v1/stats", "/api/v1/servers", "/", "/api/v1/openapi.json")) {
      Web.Answer get = web.get(path);
      Web.Answer head = web.raw("HEAD", path, new byte[0]);
      assertThat(head.status()).as(path).isEqualTo(get.status()).isEqualTo(200);
      assertThat(head.body()).as(path).isEmpty();
      assertThat(head.header("Content-Type")).as(path).isEqualTo(get.header("Content-Type"));
    }
  }

  @Test
  void historyAggregatesMinutesIntoSteps() {
    Instant minute = storage.now().truncatedTo(ChronoUnit.MINUTES);
    storage.addStats(
        List.of(
            new MinuteStats(minute, "greet", 3, 1, 2, 600, 60),
            new MinuteStats(minute.minus(Duration.ofMinutes(1)), "greet", 1, 0, 0, 100, 0)));
    JsonNode h = web.get("/api/v1/stats/history?range=1h").json();
    assertThat(h.get("step").asText()).isEqualTo("1m");
    assertThat(h.get("points")).hasSize(60);
    assertThat(h.get("available").asBoolean()).isTrue();
    long succeeded = 0;
    for (JsonNode p : h.get("points")) {
      succeeded += p.get("succeeded").asLong();
    }
    assertThat(succeeded).isGreaterThanOrEqualTo(4);
    JsonNode greet = find(h.get("types"), "type", "greet");
    assertThat(greet.get("failed").asLong()).isGreaterThanOrEqualTo(1);
    assertThat(greet.get("avgRunMs").isNumber()).isTrue();

    JsonNode day = web.get("/api/v1/stats/history?range=24h").json();
    assertThat(day.get("step").asText()).isEqualTo("10m");
    assertThat(day.get("points")).hasSize(144);
    JsonNode week = web.get("/api/v1/stats/history?range=7d").json();
    assertThat(week.get("step").asText()).isEqualTo("1h");
    assertThat(week.get("points")).hasSize(168);
    Web.Answer bad = web.get("/api/v1/stats/history?range=2h");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.errorCode()).isEqualTo("bad_request");
  }

  // ------------------------------------------------------------------ enqueue and read back

  @Test
  void enqueueByTypeNameAndReadTheJobBack() {
    String id =
        enqueue(
            "{\"type\":\"greet\",\"args\":{\"name\":\"ann\",\"times\":2},\"queue\":\"mail\",\"maxAttempts\":3}");
    JsonNode job = web.get("/api/v1/jobs/" + id).json();
    assertThat(job.get("id").asText()).isEqualTo(id);
    assertThat(job.get("type").asText()).isEqualTo("greet");
    assertThat(job.get("queue").asText()).isEqualTo("mail");
    assertThat(job.get("state").asText()).isEqualTo("ENQUEUED");
    assertThat(job.get("maxAttempts").asInt()).isEqualTo(3);
    assertThat(job.get("args").get("name").asText()).isEqualTo("ann");
    assertThat(job.get("history")).isNotEmpty();
    assertThat(job.get("history").get(0).get("state").asText()).isEqualTo("ENQUEUED");
    assertThat(job.get("continuations")).isEmpty();
    assertThat(job.get("logCount").asLong()).isZero();
    assertThat(job.has("blocked")).isTrue();
    assertThat(job.get("concurrency").get("permits")).isEmpty();
  }

  @Test
  void enqueueWithOptions() {
    String delayed = enqueue("{\"type\":\"nothing\",\"delayMs\":3600000}");
    assertThat(state(delayed)).isEqualTo("SCHEDULED");
    String at = enqueue("{\"type\":\"nothing\",\"runAt\":\"2099-01-01T00:00:00Z\"}");
    JsonNode job = web.get("/api/v1/jobs/" + at).json();
    assertThat(job.get("state").asText()).isEqualTo("SCHEDULED");
    assertThat(job.get("runAt").asText()).isEqualTo("2099-01-01T00:00:00Z");

    String id = JobId.newId().toString();
    Web.Answer first = web.post("/api/v1/jobs", "{\"type\":\"nothing\",\"id\":\"" + id + "\"}");
    assertThat(first.status()).isEqualTo(201);
    assertThat(first.json().get("id").asText()).isEqualTo(id);
    assertThat(first.json().get("created").asBoolean()).isTrue();
    Web.Answer again = web.post("/api/v1/jobs", "{\"type\":\"nothing\",\"id\":\"" + id + "\"}");
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().get("created").asBoolean()).isFalse();

    String unique =
        "{\"type\":\"greet\",\"args\":{\"name\":\"u\",\"times\":1},\"uniqueKey\":\"greet-u-"
            + id
            + "\"}";
    String holder = enqueue(unique);
    Web.Answer dup = web.post("/api/v1/jobs", unique);
    assertThat(dup.status()).isEqualTo(200);
    assertThat(dup.json().get("created").asBoolean()).isFalse();
    assertThat(dup.json().get("id").asText()).isEqualTo(holder);
    JsonNode concurrency = web.get("/api/v1/concurrency").json();
    assertThat(find(concurrency.get("unique"), "holder", holder)).isNotNull();

    String mutexed = enqueue("{\"type\":\"nothing\",\"mutex\":\"m-" + id + "\"}");
    JsonNode m = web.get("/api/v1/jobs/" + mutexed).json();
    assertThat(m.get("concurrency").get("permits").get(0).get("kind").asText()).isEqualTo("mutex");
  }

  @Test
  void badEnqueueRequestsAreClearErrorsAndChangeNothing() {
    long before = jobCount();
    expect(web.post("/api/v1/jobs", "{\"type\":"), 400, "bad_request", "malformed JSON");
    expect(web.post("/api/v1/jobs", "[1,2]"), 400, "bad_request", "object");
    expect(web.post("/api/v1/jobs", "{\"type\":5}"), 400, "bad_request", "'type'");
    expect(web.post("/api/v1/jobs", "{}"), 400, "bad_request", "'type'");
    expect(
        web.post("/api/v1/jobs", "{\"type\":\"nothing\",\"colour\":1}"),
        400,
        "bad_request",
        "colour");
    expect(web.post("/api/v1/jobs", "{\"type\":\"nothing\"} {}"), 400, "bad_request", "malformed");
    Web.Answer unknown = web.post("/api/v1/jobs", "{\"type\":\"no-such\"}");
    expect(unknown, 422, "unknown_job_type", "no-such");
    assertThat(unknown.json().get("error").get("known").toString())
        .contains("greet", "fail", "nothing");
    expect(
        web.post(
            "/api/v1/jobs", "{\"type\":\"greet\",\"args\":{\"name\":\"a\",\"times\":\"many\"}}"),
        422,
        "invalid_arguments",
        "Greet");
    expect(
        web.post("/api/v1/jobs", "{\"type\":\"greet\",\"args\":{\"nam\":\"a\",\"times\":1}}"),
        422,
        "invalid_arguments",
        "nam");
    expect(
        web.post("/api/v1/jobs", "{\"type\":\"greet\",\"args\":[1]}"),
        422,
        "invalid_arguments",
        "");
    expect(
        web.post("/api/v1/jobs", "{\"type\":\"nothing\",\"queue\":\"Bad Queue\"}"),
        400,
        "bad_request",
        "queue");
    expect(
        web.post("/api/v1/jobs", "{\"type\":\"nothing\",\"maxAttempts\":0}"),
        400,
        "bad_request",
        "maxAttempts");
    expect(
        web.post("/api/v1/jobs", "{\"type\":\"nothing\",\"maxAttempts\":1.5}"),
        400,
        "bad_request",
        "maxAttempts");
    expect(
        web.post("/api/v1/jobs", "{\"type\":\"nothing\",\"delayMs\":-1}"),
        400,
        "bad_request",
        "delayMs");
    expect(
        web.post(
            "/api/v1/jobs",
            "{\"type\":\"nothing\",\"delayMs\":1,\"runAt\":\"2099-01-01T00:00:00Z\"}"),
        400,
        "bad_request",
        "not both");
    expect(
        web.post("/api/v1/jobs", "{\"type\":\"nothing\",\"runAt\":\"tomorrow\"}"),
        400,
        "bad_request",
        "runAt");
    expect(
        web.post("/api/v1/jobs", "{\"type\":\"nothing\",\"id\":\"42\"}"), 400, "bad_request", "42");
    expect(
        web.post("/api/v1/jobs", "{\"type\":\"nothing\",\"uniqueKey\":\"\"}"),
        400,
        "bad_request",
        "uniqueKey");
    expect(
        web.post("/api/v1/jobs", "{\"type\":\"nothing\",\"type\":\"greet\"}"),
        400,
        "bad_request",
        "");
    Web.Answer text =
        web.raw(
            "POST",
            "/api/v1/jobs",
            "{\"type\":\"nothing\"}".getBytes(StandardCharsets.UTF_8),
            "Content-Type",
            "text/plain");
    expect(text, 415, "unsupported_media_type", "text/plain");
    byte[] huge =
        ("{\"type\":\"greet\",\"args\":{\"name\":\""
                + "x".repeat(1024 * 1024 + 10)
                + "\",\"times\":1}}")
            .getBytes(StandardCharsets.UTF_8);
    expect(
        web.raw("POST", "/api/v1/jobs", huge, "Content-Type", "application/json"),
        413,
        "payload_too_large",
        "bytes");
    assertThat(jobCount()).isEqualTo(before);
  }

  // ------------------------------------------------------------------ listing

  @Test
  void listFiltersAndPagesWithCursors() {
    String queue = "page-" + Long.toHexString(System.nanoTime());
    for (int i = 0; i < 5; i++) {
      enqueue(
          "{\"type\":\"greet\",\"args\":{\"name\":\"p"
              + i
              + "\",\"times\":1},\"queue\":\""
              + queue
              + "\"}");
    }
    JsonNode first = web.get("/api/v1/jobs?state=ENQUEUED&queue=" + queue + "&limit=2").json();
    assertThat(first.get("items")).hasSize(2);
    assertThat(first.get("next").isTextual()).isTrue();
    assertThat(first.get("scanned").asInt()).isPositive();
    JsonNode item = first.get("items").get(0);
    for (String field :
        List.of(
            "id",
            "type",
            "queue",
            "state",
            "attempt",
            "maxAttempts",
            "createdAt",
            "stateAt",
            "runAt",
            "owner",
            "progress",
            "fencingToken",
            "parent",
            "reason",
            "blocked")) {
      assertThat(item.has(field)).as(field).isTrue();
    }
    int seen = 2;
    String next = first.get("next").asText();
    while (next != null) {
      JsonNode page =
          web.get("/api/v1/jobs?state=ENQUEUED&queue=" + queue + "&limit=2&after=" + next).json();
      seen += page.get("items").size();
      next = page.get("next").isNull() ? null : page.get("next").asText();
    }
    assertThat(seen).isEqualTo(5);
    JsonNode byText = web.get("/api/v1/jobs?queue=" + queue + "&q=p3").json();
    assertThat(byText.get("items")).hasSize(1);
    JsonNode byType = web.get("/api/v1/jobs?queue=" + queue + "&type=nothing").json();
    assertThat(byType.get("items")).isEmpty();
  }

  @Test
  void badPagingValuesAre400() {
    for (String q :
        List.of(
            "limit=0",
            "limit=501",
            "limit=abc",
            "state=SLEEPING",
            "after=garbage",
            "from=yesterday",
            "from=2030-01-01T00:00:00Z&to=2020-01-01T00:00:00Z",
            "q=" + "x".repeat(201))) {
      Web.Answer a = web.get("/api/v1/jobs?" + q);
      assertThat(a.status()).as(q + " -> " + a).isEqualTo(400);
      assertThat(a.errorCode()).isEqualTo("bad_request");
    }
    assertThat(web.get("/api/v1/jobs?limit=500").status()).isEqualTo(200);
    String id = enqueue("{\"type\":\"nothing\"}");
    assertThat(web.get("/api/v1/jobs/" + id + "/logs?limit=0").status()).isEqualTo(400);
    assertThat(web.get("/api/v1/jobs/" + id + "/logs?from=-2").status()).isEqualTo(400);
    assertThat(web.get("/api/v1/jobs/" + id + "/logs?limit=1001").status()).isEqualTo(400);
  }

  @Test
  void unknownAndMalformedIds() {
    String unknown = JobId.newId().toString();
    expect(web.get("/api/v1/jobs/" + unknown), 404, "not_found", "purged");
    expect(web.get("/api/v1/jobs/not-a-uuid"), 400, "bad_request", "not-a-uuid");
    expect(web.get("/api/v1/jobs/" + unknown + "/logs"), 404, "not_found", unknown);
    expect(web.post("/api/v1/jobs/" + unknown + "/requeue", null), 404, "not_found", unknown);
    expect(web.post("/api/v1/jobs/" + unknown + "/delete", null), 404, "not_found", unknown);
    expect(web.delete("/api/v1/jobs/" + unknown), 404, "not_found", unknown);
    expect(web.post("/api/v1/jobs/" + unknown + "/run-now", null), 404, "not_found", unknown);
    expect(web.post("/api/v1/jobs/xyz/requeue", null), 400, "bad_request", "xyz");
    expect(web.get("/api/v1/bulk/nope"), 404, "not_found", "nope");
    expect(web.get("/api/v1/events?job=nope"), 400, "bad_request", "nope");
    expect(web.get("/api/v1/events?job=" + unknown), 404, "not_found", unknown);
  }

  @Test
  void notFoundAndMethodNotAllowedAreJson() {
    expect(web.get("/api/v1/nothing-here"), 404, "not_found", "/api/v1/nothing-here");
    Web.Answer wrong = web.put("/api/v1/stats", "{}");
    expect(wrong, 405, "method_not_allowed", "PUT");
    assertThat(wrong.header("Allow")).isEqualTo("GET, HEAD");
    assertThat(wrong.header("Content-Security-Policy")).isNotNull();
  }

  // ------------------------------------------------------------------ actions

  @Test
  void requeueDeleteAndRunNow() {
    String id = enqueue("{\"type\":\"nothing\",\"delayMs\":3600000}");
    Web.Answer run = web.post("/api/v1/jobs/" + id + "/run-now", null);
    assertThat(run.status()).as(run.toString()).isEqualTo(200);
    assertThat(run.json().get("previousState").asText()).isEqualTo("SCHEDULED");
    assertThat(state(id)).isEqualTo("ENQUEUED");
    expect(web.post("/api/v1/jobs/" + id + "/run-now", null), 409, "conflict", "ENQUEUED");
    expect(web.post("/api/v1/jobs/" + id + "/requeue", null), 409, "conflict", "already ENQUEUED");

    Web.Answer deleted = web.post("/api/v1/jobs/" + id + "/delete", null);
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.json().get("previousState").asText()).isEqualTo("ENQUEUED");
    assertThat(deleted.json().get("id").asText()).isEqualTo(id);
    expect(web.delete("/api/v1/jobs/" + id), 409, "conflict", "already DELETED");

    Web.Answer requeued = web.post("/api/v1/jobs/" + id + "/requeue", null);
    assertThat(requeued.status()).isEqualTo(200);
    assertThat(requeued.json().get("previousState").asText()).isEqualTo("DELETED");
    assertThat(web.delete("/api/v1/jobs/" + id).status()).isEqualTo(200);
    JsonNode history = web.get("/api/v1/jobs/" + id).json().get("history");
    assertThat(history.get(history.size() - 1).get("reason").asText())
        .contains("dashboard", "local");
  }

  @Test
  void bulkDeleteOfIdsAndBulkRequeueOfAFilter() {
    String queue = "bulk-" + Long.toHexString(System.nanoTime());
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 7; i++) {
      ids.add(enqueue("{\"type\":\"nothing\",\"queue\":\"" + queue + "\"}"));
    }
    Web.Answer started =
        web.post(
            "/api/v1/jobs/bulk", Web.json(Map.of("action", "delete", "ids", ids.subList(0, 3))));
    assertThat(started.status()).as(started.toString()).isEqualTo(202);
    JsonNode done = awaitBulk(started.json().get("id").asText());
    assertThat(done.get("matched").asLong()).isEqualTo(3);
    assertThat(done.get("done").asLong()).isEqualTo(3);
    assertThat(done.get("action").asText()).isEqualTo("delete");
    assertThat(state(ids.get(0))).isEqualTo("DELETED");
    assertThat(state(ids.get(3))).isEqualTo("ENQUEUED");

    Web.Answer filter =
        web.post(
            "/api/v1/jobs/bulk",
            Web.json(
                Map.of("action", "requeue", "filter", Map.of("state", "DELETED", "queue", queue))));
    assertThat(filter.status()).isEqualTo(202);
    JsonNode requeued = awaitBulk(filter.json().get("id").asText());
    assertThat(requeued.get("matched").asLong()).isEqualTo(3);
    assertThat(requeued.get("changed").asLong()).isEqualTo(3);
    for (String id : ids) {
      assertThat(state(id)).isEqualTo("ENQUEUED");
    }
    Web.Answer all =
        web.post(
            "/api/v1/jobs/bulk",
            Web.json(Map.of("action", "delete", "filter", Map.of("queue", queue))));
    assertThat(awaitBulk(all.json().get("id").asText()).get("changed").asLong()).isEqualTo(7);

    expect(
        web.post("/api/v1/jobs/bulk", "{\"action\":\"explode\",\"ids\":[]}"),
        400,
        "bad_request",
        "action");
    expect(web.post("/api/v1/jobs/bulk", "{\"action\":\"delete\"}"), 400, "bad_request", "ids");
    expect(
        web.post("/api/v1/jobs/bulk", "{\"action\":\"delete\",\"ids\":[\"x\"]}"),
        400,
        "bad_request",
        "x");
    expect(
        web.post("/api/v1/jobs/bulk", "{\"action\":\"delete\",\"filter\":{\"colour\":\"red\"}}"),
        400,
        "bad_request",
        "colour");
    expect(
        web.post("/api/v1/jobs/bulk", "{\"action\":\"delete\",\"filter\":{\"state\":\"NOPE\"}}"),
        400,
        "bad_request",
        "state");
  }

  static JsonNode awaitBulk(String bulkId) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> web.get("/api/v1/bulk/" + bulkId).json().get("finished").asBoolean());
    JsonNode status = web.get("/api/v1/bulk/" + bulkId).json();
    assertThat(status.has("error")).as(status.toString()).isFalse();
    return status;
  }

  // ------------------------------------------------------------------ the other reads

  @Test
  void serversQueuesConcurrencyLocksTypesMeAndOpenApi() {
    enqueue("{\"type\":\"nothing\",\"queue\":\"q-reads\"}");
    JsonNode servers = web.get("/api/v1/servers").json();
    assertThat(servers.get("servers").isArray()).isTrue();
    assertThat(servers.get("events").isArray()).isTrue();
    JsonNode queues = web.get("/api/v1/queues").json();
    JsonNode q = find(queues.get("queues"), "queue", "q-reads");
    assertThat(q.get("enqueued").asLong()).isEqualTo(1);
    assertThat(q.get("servers").asLong()).isZero();
    JsonNode concurrency = web.get("/api/v1/concurrency").json();
    assertThat(concurrency.get("keys").isArray()).isTrue();
    assertThat(concurrency.get("unique").isArray()).isTrue();
    client.locks("tester").tryLock("nightly", Duration.ofMinutes(1));
    JsonNode locks = web.get("/api/v1/locks").json();
    assertThat(find(locks.get("locks"), "name", "nightly").get("owner").asText())
        .isEqualTo("tester");
    JsonNode types = web.get("/api/v1/job-types").json().get("types");
    JsonNode greet = find(types, "type", "greet");
    assertThat(greet.get("fields").toString()).contains("name", "times");
    assertThat(find(types, "type", "fail").get("maxAttempts").asInt()).isEqualTo(1);
    JsonNode me = web.get("/api/v1/me").json();
    assertThat(me.get("role").asText()).isEqualTo("ADMIN");
    assertThat(me.get("csrf").asText()).isNotBlank();
    Web.Answer openapi = web.get("/api/v1/openapi.json");
    assertThat(openapi.status()).isEqualTo(200);
    assertThat(openapi.json().get("openapi").asText()).startsWith("3.1");
  }

  @Test
  void recurringJobsLifecycle() {
    String body =
        "{\"cron\":\"0 3 * * *\",\"type\":\"greet\",\"args\":{\"name\":\"r\",\"times\":1},\"zone\":\"Europe/Paris\",\"overlap\":\"ALLOW\",\"queue\":\"nightly\"}";
    Web.Answer added = web.put("/api/v1/recurring/nightly-greet", body);
    assertThat(added.status()).as(added.toString()).isEqualTo(201);
    assertThat(added.json().get("cron").asText()).isEqualTo("0 3 * * *");
    assertThat(added.json().get("zone").asText()).isEqualTo("Europe/Paris");
    assertThat(added.json().get("queue").asText()).isEqualTo("nightly");
    assertThat(web.put("/api/v1/recurring/nightly-greet", body).status()).isEqualTo(200);
    JsonNode list = web.get("/api/v1/recurring").json().get("recurring");
    JsonNode r = find(list, "id", "nightly-greet");
    for (String field :
        List.of(
            "id",
            "cron",
            "zone",
            "type",
            "queue",
            "paused",
            "nextFireAt",
            "lastFireAt",
            "lastJobId",
            "lastJobState",
            "misfire",
            "overlap")) {
      assertThat(r.has(field)).as(field).isTrue();
    }
    assertThat(
            web.post("/api/v1/recurring/nightly-greet/pause", null)
                .json()
                .get("paused")
                .asBoolean())
        .isTrue();
    assertThat(
            web.post("/api/v1/recurring/nightly-greet/resume", null)
                .json()
                .get("paused")
                .asBoolean())
        .isFalse();
    Web.Answer triggered = web.post("/api/v1/recurring/nightly-greet/trigger", null);
    assertThat(triggered.status()).isEqualTo(200);
    assertThat(state(triggered.json().get("jobId").asText())).isEqualTo("ENQUEUED");
    assertThat(web.delete("/api/v1/recurring/nightly-greet").status()).isEqualTo(200);
    expect(web.delete("/api/v1/recurring/nightly-greet"), 404, "not_found", "nightly-greet");
    expect(
        web.post("/api/v1/recurring/nightly-greet/trigger", null),
        404,
        "not_found",
        "nightly-greet");
    expect(web.post("/api/v1/recurring/nope/pause", null), 404, "not_found", "nope");
    expect(
        web.put("/api/v1/recurring/x", "{\"cron\":\"every day\",\"type\":\"nothing\"}"),
        400,
        "bad_request",
        "every day");
    expect(
        web.put("/api/v1/recurring/x", "{\"cron\":\"0 3 * * *\",\"type\":\"nope\"}"),
        422,
        "unknown_job_type",
        "nope");
    expect(
        web.put(
            "/api/v1/recurring/x",
            "{\"cron\":\"0 3 * * *\",\"type\":\"nothing\",\"zone\":\"Mars/Base\"}"),
        400,
        "bad_request",
        "zone");
    expect(
        web.put(
            "/api/v1/recurring/x",
            "{\"cron\":\"0 3 * * *\",\"type\":\"nothing\",\"overlap\":\"SOMETIMES\"}"),
        400,
        "bad_request",
        "overlap");
    expect(
        web.put("/api/v1/recurring/bad%20id", "{\"cron\":\"0 3 * * *\",\"type\":\"nothing\"}"),
        400,
        "bad_request",
        "recurring job id");
    assertThat(find(web.get("/api/v1/recurring").json().get("recurring"), "id", "x")).isNull();
  }

  @Test
  void markupInArgumentsComesBackJsonEscaped() {
    String id =
        enqueue(
            "{\"type\":\"greet\",\"args\":{\"name\":\"<script>alert('x')</script>&\",\"times\":1}}");
    Web.Answer a = web.get("/api/v1/jobs/" + id);
    assertThat(a.body()).doesNotContain("<script>").doesNotContain("</script>");
    assertThat(a.body()).contains("\\u003Cscript\\u003E");
    assertThat(a.json().get("args").get("name").asText()).isEqualTo("<script>alert('x')</script>&");
    Web.Answer list =
        web.get("/api/v1/jobs?q=" + java.net.URLEncoder.encode("<script>", StandardCharsets.UTF_8));
    assertThat(list.body()).doesNotContain("<script>");
    assertThat(list.json().get("items")).hasSize(1);
    Web.Answer unknown = web.post("/api/v1/jobs", "{\"type\":\"<img src=x onerror=alert(1)>\"}");
    assertThat(unknown.status()).isEqualTo(422);
    assertThat(unknown.body()).doesNotContain("<img");
  }

  // ------------------------------------------------------------------ pages and assets

  @Test
  void pagesServeTheShellWithHashedAssets() {
    Web.Answer page = web.get("/");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    assertThat(page.header("Content-Security-Policy")).contains("script-src 'self'");
    assertThat(page.body()).doesNotContain("{{");
    java.util.regex.Matcher js =
        java.util.regex.Pattern.compile("\"(/assets/app-[0-9a-f]{8}\\.js)\"").matcher(page.body());
    assertThat(js.find()).as(page.body()).isTrue();
    Web.Answer script = web.get(js.group(1));
    assertThat(script.status()).isEqualTo(200);
    assertThat(script.header("Content-Type")).startsWith("text/javascript");
    assertThat(script.header("Cache-Control")).contains("immutable", "max-age=31536000");
    assertThat(web.get("/assets/app-00000000.js").status()).isEqualTo(404);
    assertThat(web.get("/assets/nothing-12345678.js").status()).isEqualTo(404);
    assertThat(web.get("/assets/..%2Fopenapi.json").status()).isEqualTo(404);
    assertThat(web.get("/assets/app.css").header("Content-Type")).startsWith("text/css");
    for (String path :
        List.of("/jobs", "/jobs/" + JobId.newId(), "/servers", "/recurring", "/concurrency")) {
      Web.Answer p = web.get(path);
      assertThat(p.status()).as(path).isEqualTo(200);
      assertThat(p.header("Content-Type")).startsWith("text/html");
    }
  }

  // ------------------------------------------------------------------ events

  @Test
  void eventStreamSendsStatsAndJobUpdates() throws Exception {
    String id = enqueue("{\"type\":\"nothing\",\"delayMs\":3600000}");
    try (SseReader sse = new SseReader(web.client(), web.base() + "/api/v1/events?job=" + id)) {
      assertThat(sse.response.statusCode()).isEqualTo(200);
      assertThat(sse.response.headers().firstValue("Content-Type").orElse(""))
          .startsWith("text/event-stream");
      await().atMost(Duration.ofSeconds(5)).until(() -> sse.has("stats") && sse.has("job"));
      assertThat(Web.MAPPER.readTree(sse.named("stats").get(0).data()).has("processing")).isTrue();
      assertThat(Web.MAPPER.readTree(sse.named("job").get(0).data()).get("state").asText())
          .isEqualTo("SCHEDULED");
      client.requeue(JobId.parse(id));
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> sse.named("job").stream().anyMatch(e -> e.data().contains("ENQUEUED")));
      int before = sse.named("stats").size();
      await().atMost(Duration.ofSeconds(5)).until(() -> sse.named("stats").size() > before + 1);
    }
  }

  // ------------------------------------------------------------------ helpers

  static String state(String id) {
    return storage.job(JobId.parse(id)).map(r -> r.state().name()).orElse("GONE");
  }

  static JsonNode find(JsonNode array, String field, String value) {
    for (JsonNode n : array) {
      if (value.equals(n.path(field).asText())) {
        return n;
      }
    }
    return null;
  }

  static void expect(Web.Answer a, int status, String code, String inMessage) {
    assertThat(a.status()).as(a.toString()).isEqualTo(status);
    assertThat(a.errorCode()).as(a.toString()).isEqualTo(code);
    assertThat(a.json().get("error").get("message").asText()).as(a.toString()).contains(inMessage);
    assertThat(a.header("Content-Type")).startsWith("application/json");
  }

  static {
    // JobState is referenced so a rename breaks this test at compile time
    assertThat(JobState.valueOf("PROCESSING")).isNotNull();
  }
}
