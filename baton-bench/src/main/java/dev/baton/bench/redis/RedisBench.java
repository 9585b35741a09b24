package dev.baton.bench.redis;

import dev.baton.client.JobSpecFactory;
import dev.baton.job.JobId;
import dev.baton.job.JobOptions;
import dev.baton.json.JsonCodec;
import dev.baton.state.JobState;
import dev.baton.storage.NewJob;
import dev.baton.storage.redis.RedisStorage;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Redis benchmarks, each against server processes ({@link RedisBenchServer}) separate from this
 * driver: no-op throughput (default and tuned server, 1 and 2 processes, N jobs enqueued while the
 * servers run), pickup latency from another process, kill -9 recovery (default and shortest
 * timeouts), and {@code redis-benchmark} on the same Redis for the ratio.
 *
 * <pre>
 * ./mvnw -q -pl baton-bench -am package -DskipTests -Dspotless.check.skip
 * java -cp "baton-bench/target/classes:$(cat baton-bench/target/classpath.txt)" \
 *     dev.baton.bench.redis.RedisBench [redis://127.0.0.1:6379] [jobs=20000]
 * </pre>
 */
public final class RedisBench {
  private static final JsonCodec JSON = new JsonCodec();
  private static final JobSpecFactory SPECS = new JobSpecFactory(JSON);

  private final String uri;
  private final int jobs;
  private final List<Process> processes = new ArrayList<>();
  private final RedisClient redisClient;

  private RedisBench(String uri, int jobs) {
    this.uri = uri;
    this.jobs = jobs;
    this.redisClient = RedisClient.create(uri);
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("logback.configurationFile", "bench-logback.xml");
    String uri = args.length > 0 ? args[0] : "redis://127.0.0.1:6379";
    int jobs = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    RedisBench bench = new RedisBench(uri, jobs);
    try {
      bench.run();
    } finally {
      bench.redisClient.shutdown();
    }
  }

  private void run() throws Exception {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> processes.forEach(Process::destroyForcibly)));
    double setOps = redisBenchmark();
    System.out.printf("redis-benchmark SET (50 clients, no pipelining): %.0f ops/s%n", setOps);
    for (String profile : List.of("default", "tuned")) {
      for (int servers : List.of(1, 2)) {
        double rate = throughput(profile, servers);
        System.out.printf(
            "throughput %-7s %d process(es): %,.0f jobs/s (%d no-op jobs; %.2f x redis-benchmark SET)%n",
            profile, servers, rate, jobs, rate / setOps);
      }
    }
    pickup();
    for (String profile : List.of("default", "fast-recovery")) {
      double s = recovery(profile);
      System.out.printf(
          "kill -9 recovery %-13s: %.2f s from kill to the job running elsewhere%n", profile, s);
    }
  }

  // ---------------------------------------------------------------- measurements

  private double throughput(String profile, int serverCount) throws Exception {
    String ns = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    try (RedisStorage storage = RedisStorage.builder().uri(uri).namespace(ns).build()) {
      for (int i = 0; i < serverCount; i++) {
        startServer(ns, "s" + i, profile);
      }
      awaitServers(storage, serverCount);
      long start = System.nanoTime();
      List<NewJob> batch = new ArrayList<>(1000);
      for (int i = 0; i < jobs; i++) {
        batch.add(
            NewJob.now(
                SPECS.build(
                    JobId.newId(),
                    RedisBenchServer.NOOP,
                    new RedisBenchServer.Noop(i),
                    JobOptions.NONE,
                    null,
                    null),
                "bench"));
        if (batch.size() == 1000 || i == jobs - 1) {
          storage.create(batch);
          batch.clear();
        }
      }
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (storage.countByState().getOrDefault(JobState.SUCCEEDED, 0L) < jobs) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("jobs did not finish: " + storage.countByState());
        }
        Thread.sleep(5);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      return jobs / seconds;
    } finally {
      stopServers();
      deleteNamespace(ns);
    }
  }

  private void pickup() throws Exception {
    String ns = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    int samples = 500;
    try (RedisStorage storage = RedisStorage.builder().uri(uri).namespace(ns).build();
        StatefulRedisConnection<String, String> conn = redisClient.connect()) {
      startServer(ns, "s0", "default");
      awaitServers(storage, 1);
      RedisCommands<String, String> redis = conn.sync();
      String list = RedisBenchServer.key(ns, "pickup");
      List<Long> micros = new ArrayList<>();
      for (int i = 0; i < samples + 50; i++) {
        long sent = System.nanoTime();
        storage.create(
            List.of(
                NewJob.now(
                    SPECS.build(
                        JobId.newId(),
                        RedisBenchServer.PING,
                        new RedisBenchServer.Ping(sent),
                        JobOptions.NONE,
                        null,
                        null),
                    "bench")));
        var got = redis.blpop(10, list);
        if (got == null) {
          throw new IllegalStateException("ping job not picked up within 10 s");
        }
        if (i >= 50) {
          micros.add(Long.parseLong(got.getValue()) / 1_000);
        }
        Thread.sleep(5);
      }
      micros.sort(null);
      System.out.printf(
          "pickup latency, enqueue in this process -> handler in a default server process: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d samples)%n",
          micros.get(samples / 2) / 1000.0,
          micros.get(samples * 99 / 100) / 1000.0,
          micros.get(samples - 1) / 1000.0,
          samples);
    } finally {
      stopServers();
      deleteNamespace(ns);
    }
  }

  private double recovery(String profile) throws Exception {
    String ns = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    try (RedisStorage storage = RedisStorage.builder().uri(uri).namespace(ns).build();
        StatefulRedisConnection<String, String> conn = redisClient.connect()) {
      Process a = startServer(ns, "a", profile);
      Process b = startServer(ns, "b", profile);
      awaitServers(storage, 2);
      RedisCommands<String, String> redis = conn.sync();
      String list = RedisBenchServer.key(ns, "long");
      storage.create(
          List.of(
              NewJob.now(
                  SPECS.build(
                      JobId.newId(),
                      RedisBenchServer.LONG,
                      new RedisBenchServer.Long(1),
                      JobOptions.NONE,
                      null,
                      null),
                  "bench")));
      String first = redis.blpop(10, list).getValue();
      Process victim = first.startsWith("a ") ? a : b;
      victim.destroyForcibly().waitFor();
      long killed = System.nanoTime();
      var second = redis.blpop(60, list);
      if (second == null) {
        throw new IllegalStateException("the job was not recovered within 60 s");
      }
      return (Long.parseLong(second.getValue().split(" ")[1]) - killed) / 1e9;
    } finally {
      stopServers();
      deleteNamespace(ns);
    }
  }

  // ---------------------------------------------------------------- processes

  private Process startServer(String ns, String id, String profile) throws Exception {
    Path log = Files.createTempFile("baton-bench-" + id, ".log");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                RedisBenchServer.class.getName(),
                uri,
                ns,
                id,
                profile)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    processes.add(p);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.readString(log).contains("READY " + id)) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "server " + id + " did not start: " + Files.readString(log));
      }
      Thread.sleep(20);
    }
    return p;
  }

  private static void awaitServers(RedisStorage storage, int n) throws InterruptedException {
    while (storage.servers().size() < n) {
      Thread.sleep(10);
    }
  }

  private void stopServers() throws InterruptedException {
    for (Process p : processes) {
      p.destroyForcibly().waitFor();
    }
    processes.clear();
  }

  private void deleteNamespace(String ns) {
    try (StatefulRedisConnection<String, String> conn = redisClient.connect()) {
      RedisCommands<String, String> r = conn.sync();
      List<String> keys = r.keys("{" + ns + "}:*");
      for (int i = 0; i < keys.size(); i += 1000) {
        r.del(keys.subList(i, Math.min(keys.size(), i + 1000)).toArray(String[]::new));
      }
    }
  }

  /** SET requests per second that redis-benchmark gets from the same Redis. */
  private double redisBenchmark() throws Exception {
    java.net.URI u = java.net.URI.create(uri);
    Process p =
        new ProcessBuilder(
                "redis-benchmark",
                "-h",
                u.getHost(),
                "-p",
                Integer.toString(u.getPort()),
                "-t",
                "set",
                "-n",
                "200000",
                "-c",
                "50",
                "-q")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    Matcher m =
        Pattern.compile("SET: ([0-9.]+) requests per second").matcher(out.replace("\r", "\n"));
    double last = Double.NaN;
    while (m.find()) {
      last = Double.parseDouble(m.group(1));
    }
    return last;
  }
}
