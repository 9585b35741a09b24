package dev.baton.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.baton.client.BatonClient;
import dev.baton.client.EnqueueResult;
import dev.baton.concurrency.UniqueJob;
import dev.baton.job.JobContext;
import dev.baton.job.JobType;
import dev.baton.server.BatonServer;
import dev.baton.server.BatonServerConfig;
import dev.baton.state.JobState;
import dev.baton.storage.JobStorage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Scenario 2, skip concurrent execution (Hangfire's {@code [DisableConcurrentExecution]} and
 * "SkipConcurrentExecution" filters): a small HTTP app on the JDK's own server.
 *
 * <ul>
 *   <li>{@code POST /api/jobs/create-job-1}: enqueues {@code job-1}, no guard: two calls, two runs
 *       side by side.
 *   <li>{@code POST /api/jobs/create-job-2}: enqueues {@code job-2}, unique while queued or running
 *       ({@link UniqueJob#byKey}): while one exists, a call creates nothing and the answer names
 *       that job. Checked atomically by the storage when the job is created: no lock is held by a
 *       worker, no run is started only to be skipped.
 *   <li>{@code GET /api/jobs/statistics}: {@code {"processing": N}}, the jobs running now.
 * </ul>
 *
 * <pre>
 * baton-examples/run skip [--storage=URL] [--http-port=8090] [--job-length=10s] [--workers=4]
 * </pre>
 */
public final class SkipConcurrentExecution {
  /** What a job does: work for this many milliseconds. */
  public record Work(long millis) {}

  public static final JobType<Work> JOB_1 = JobType.of("job-1", Work.class);

  /** One key for every job-2, whatever its arguments, held until the job finishes. */
  public static final JobType<Work> JOB_2 =
      JobType.of("job-2", Work.class).withOptions(o -> o.unique(UniqueJob.byKey("job-2")));

  private static final ObjectMapper JSON = new ObjectMapper();

  private final BatonClient client;
  private final Console out;
  private final Duration jobLength;

  private SkipConcurrentExecution(BatonClient client, Console out, Duration jobLength) {
    this.client = client;
    this.out = out;
    this.jobLength = jobLength;
  }

  public static void main(String[] args) throws IOException {
    Options.exitOnBadInput();
    Options options = Options.parse(args);
    String url = ExampleStorage.url(options);
    int httpPort = options.getInt("http-port", 8090);
    Duration jobLength = options.getDuration("job-length", Duration.ofSeconds(10));
    int workers = options.getInt("workers", 4);
    String name = options.get("name", "skip-demo");
    options.checkNoneLeft();
    Console out = new Console(name);
    StopSignal stop = StopSignal.install();
    try (JobStorage storage = ExampleStorage.open(url)) {
      BatonClient client = BatonClient.create(storage);
      SkipConcurrentExecution app = new SkipConcurrentExecution(client, out, jobLength);
      HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", httpPort), 0);
      http.createContext("/api/jobs/create-job-1", e -> app.serve(e, "POST", app::createJob1));
      http.createContext("/api/jobs/create-job-2", e -> app.serve(e, "POST", app::createJob2));
      http.createContext("/api/jobs/statistics", e -> app.serve(e, "GET", app::statistics));
      try (BatonServer server =
          BatonServer.builder(storage)
              .config(BatonServerConfig.builder().serverId(name).workers(workers).build())
              .handle(JOB_1, app::work)
              .handle(JOB_2, app::work)
              .build()
              .start()) {
        http.start();
        String base = "http://127.0.0.1:" + http.getAddress().getPort();
        out.say("storage %s, each job takes %s", ExampleStorage.describe(url), jobLength);
        out.say("listening on %s", base);
        out.say(
            "try: curl -X POST %s/api/jobs/create-job-2 (twice), curl %s/api/jobs/statistics",
            base, base);
        stop.await();
        http.stop(0);
      }
    }
    System.exit(0); // drivers may leave non-daemon threads behind
  }

  private void work(Work work, JobContext ctx) throws InterruptedException {
    out.say("%s started (job %s)", ctx.jobType(), ctx.jobId());
    long end = System.nanoTime() + Duration.ofMillis(work.millis()).toNanos();
    while (System.nanoTime() < end) {
      ctx.throwIfCancellationRequested();
      Thread.sleep(50);
    }
    out.say("%s finished (job %s)", ctx.jobType(), ctx.jobId());
  }

  private Map<String, Object> createJob1() {
    return answer(JOB_1, client.enqueue(JOB_1, new Work(jobLength.toMillis())));
  }

  private Map<String, Object> createJob2() {
    return answer(JOB_2, client.enqueue(JOB_2, new Work(jobLength.toMillis())));
  }

  /** A duplicate is a normal answer (200), naming the job that holds the key. */
  private Map<String, Object> answer(JobType<?> type, EnqueueResult r) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("created", r.created());
    if (r.created()) {
      body.put("jobId", r.id().toString());
      body.put("state", r.state().name());
      out.say("POST create-%s: created job %s", type.name(), r.id());
    } else {
      body.put("existingJobId", r.id().toString());
      body.put("existingState", r.state().name());
      body.put(
          "message",
          type.name()
              + " is already "
              + r.state().name().toLowerCase()
              + " as job "
              + r.id()
              + "; nothing was created");
      out.say("POST create-%s: nothing created, job %s is %s", type.name(), r.id(), r.state());
    }
    return body;
  }

  private Map<String, Object> statistics() {
    long processing = client.monitor().countByState().getOrDefault(JobState.PROCESSING, 0L);
    return Map.of("processing", processing);
  }

  private void serve(
      HttpExchange exchange, String method, java.util.function.Supplier<Map<String, Object>> call)
      throws IOException {
    try (exchange) {
      int status;
      Object body;
      if (!exchange.getRequestMethod().equals(method)) {
        exchange.getResponseHeaders().add("Allow", method);
        status = 405;
        body = Map.of("error", "use " + method);
      } else {
        try {
          Map<String, Object> result = call.get();
          status = Boolean.TRUE.equals(result.get("created")) ? 201 : 200;
          body = result;
        } catch (RuntimeException e) {
          status = 500;
          body = Map.of("error", String.valueOf(e.getMessage()));
        }
      }
      byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream o = exchange.getResponseBody()) {
        o.write(bytes);
      }
    }
  }
}
