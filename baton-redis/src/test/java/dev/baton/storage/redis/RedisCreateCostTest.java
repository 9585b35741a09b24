package dev.baton.storage.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.CreateResult;
import dev.baton.storage.JobSpec;
import dev.baton.storage.NewJob;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What create costs Redis, counted by Redis itself ({@code INFO commandstats}) on a Redis of its
 * own (port 7121), in both modes: the commands per job of a create with no standing offer (the
 * hand-over adds one EXISTS per call, nothing per job) and of a create that hands over. Also prints
 * the Redis CPU per call (commandstats usec_per_call of FCALL/EVALSHA) of create with and without a
 * hand-over and of claim and claimOrOffer on an empty queue: a measurement, not asserted.
 */
class RedisCreateCostTest {
  private static final RedisServerProcess REDIS =
      new RedisServerProcess(7121, Path.of("target", "redis-cost"), List.of("--appendonly", "no"));
  private static final Duration TTL = Duration.ofSeconds(30);
  private static RedisClient client;
  private static StatefulRedisConnection<String, String> conn;
  private static RedisCommands<String, String> redis;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(RedisServerProcess.installed(), "redis-server is not installed");
    REDIS.stop();
    REDIS.start();
    client = RedisClient.create(REDIS.uri());
    conn = client.connect();
    redis = conn.sync();
  }

  @AfterAll
  static void stop() {
    if (conn != null) {
      conn.close();
      client.shutdown();
    }
    REDIS.stop();
  }

  @AfterEach
  void flush() {
    redis.flushall();
  }

  private static RedisStorage storage(boolean functions) {
    return RedisStorage.builder().uri(REDIS.uri()).namespace("cost").functions(functions).build();
  }

  private static JobSpec spec() {
    return new JobSpec(
        JobId.newId(), "t", "default", "{\"a\":1}", "{\"m\":1}", 3, null, null, null, null);
  }

  private static List<NewJob> jobs(int n) {
    List<NewJob> jobs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      jobs.add(NewJob.now(spec(), "new"));
    }
    return jobs;
  }

  /**
   * Runs {@code n} rounds after a warm-up; returns Redis's commandstats for them: name -> calls.
   */
  private static Map<String, Long> calls(int n, IntConsumer round, Map<String, Double> usec) {
    for (int i = 0; i < Math.min(n, 100); i++) {
      round.accept(i);
    }
    redis.configResetstat();
    for (int i = 0; i < n; i++) {
      round.accept(i);
    }
    Map<String, Long> calls = new TreeMap<>();
    for (String line : redis.info("commandstats").split("\r?\n")) {
      if (line.startsWith("cmdstat_")) {
        String name = line.substring(8, line.indexOf(':'));
        String[] f = line.substring(line.indexOf(':') + 1).split(",");
        calls.put(name, Long.parseLong(f[0].substring("calls=".length())));
        usec.put(name, Double.parseDouble(f[2].substring("usec_per_call=".length())));
      }
    }
    calls.remove("config|resetstat");
    return calls;
  }

  private static Map<String, Long> times(int n, Object... commandsAndFactors) {
    Map<String, Long> m = new TreeMap<>();
    for (int i = 0; i < commandsAndFactors.length; i += 2) {
      m.put((String) commandsAndFactors[i], n * ((Integer) commandsAndFactors[i + 1]).longValue());
    }
    return m;
  }

  @ParameterizedTest(name = "functions={0}")
  @ValueSource(booleans = {true, false})
  void createWithoutAnOfferPaysOneExistsPerCall(boolean functions) {
    String call = functions ? "fcall" : "evalsha";
    int n = 500;
    Map<String, Double> usec = new TreeMap<>();
    try (RedisStorage storage = storage(functions)) {
      Map<String, Long> single = calls(n, i -> storage.create(jobs(1)), usec);
      // Before hand-over: the same without exists (9 commands per job, TIME included).
      assertThat(single)
          .isEqualTo(
              times(
                  n, call, 1, "time", 1, "hget", 1, "exists", 1, "set", 1, "hset", 1, "incrby", 1,
                  "sadd", 1, "zadd", 2, "publish", 1));

      Map<String, Long> batch = calls(n / 10, i -> storage.create(jobs(10)), usec);
      assertThat(batch)
          .isEqualTo(
              times(
                  n / 10, call, 1, "time", 1, "hget", 10, "exists", 1, "set", 10, "hset", 10,
                  "incrby", 1, "sadd", 1, "zadd", 2, "publish", 1));
      System.out.printf(
          "[cost] functions=%s the EXISTS that create adds without an offer: %.2f us/call%n",
          functions, usec.get("exists"));
    }
  }

  @ParameterizedTest(name = "functions={0}")
  @ValueSource(booleans = {true, false})
  void createThatHandsOver(boolean functions) {
    String call = functions ? "fcall" : "evalsha";
    int n = 500;
    try (RedisStorage storage = storage(functions)) {
      // An offer of many slots, so that every create uses one without ending the offer.
      storage.claimOrOffer("s1", List.of("default"), 1_000_000, TTL);
      Map<String, Long> handing = calls(n, i -> handOver(storage), new TreeMap<>());
      assertThat(handing)
          .isEqualTo(
              times(
                  n,
                  call,
                  1,
                  "time",
                  1,
                  "hget",
                  1,
                  "exists",
                  1,
                  "zcard",
                  1,
                  "zrangebyscore",
                  1,
                  "set",
                  1,
                  "incrby",
                  1,
                  "hincrby",
                  1,
                  "hset",
                  1,
                  "sadd",
                  3,
                  "publish",
                  1));
      // An idle server's repeated claimOrOffer with the same queues overwrites its offer.
      Map<String, Long> offering =
          calls(n, i -> storage.claimOrOffer("s1", List.of("default"), 4, TTL), new TreeMap<>());
      assertThat(offering)
          .isEqualTo(
              times(
                  n,
                  call,
                  1,
                  "time",
                  1,
                  "zpopmin",
                  1,
                  "hget",
                  1,
                  "zadd", // the offer's two, and the claim's renewal of its server's beat
                  3,
                  "hset",
                  1,
                  "zrange",
                  1,
                  "pexpireat",
                  1));
    }
  }

  private static void handOver(RedisStorage storage) {
    assertThat(storage.create(jobs(1)))
        .extracting(CreateResult::state)
        .containsExactly(JobState.PROCESSING);
  }

  /**
   * Redis CPU per call (commandstats usec_per_call of FCALL or EVALSHA), of what a pickup costs
   * with and without hand-over: each measured 5 times over 300 calls, interleaved; the least and
   * the median of the 5 are printed. A measurement on a shared machine, not asserted.
   */
  @ParameterizedTest(name = "functions={0}")
  @ValueSource(booleans = {true, false})
  void redisCpuPerCall(boolean functions) {
    String call = functions ? "fcall" : "evalsha";
    int n = 1000;
    Map<String, List<Double>> runs = new java.util.LinkedHashMap<>();
    try (RedisStorage storage = storage(functions)) {
      for (int r = 0; r < 5; r++) {
        measure(runs, call, "create, no offer (1 job)", n, i -> storage.create(jobs(1)));
        measure(runs, call, "create, no offer (10 jobs)", n / 10, i -> storage.create(jobs(10)));
        redis.flushall(); // the creates above left jobs in the queue: claim exactly these
        storage.create(jobs(2 * n));
        measure(runs, call, "claim of 1 job", n, i -> storage.claim("s1", List.of("default"), 1));
        measure(
            runs, call, "claim, empty queue", n, i -> storage.claim("s1", List.of("default"), 4));
        measure(
            runs,
            call,
            "claimOrOffer, empty queue (offer again)",
            n,
            i -> storage.claimOrOffer("s1", List.of("default"), 4, TTL));
        storage.claimOrOffer("s1", List.of("default"), 1_000_000, TTL);
        measure(runs, call, "create that hands over (1 job)", n, i -> handOver(storage));
        storage.claimOrOffer("s1", List.of("default"), 0, TTL);
        redis.flushall();
      }
    }
    runs.forEach(
        (name, us) -> {
          List<Double> sorted = us.stream().sorted().toList();
          System.out.printf(
              "[cost] functions=%s %-40s min %6.1f  median %6.1f us/call%n",
              functions, name, sorted.get(0), sorted.get(sorted.size() / 2));
        });
  }

  private static void measure(
      Map<String, List<Double>> runs, String call, String name, int n, IntConsumer round) {
    Map<String, Double> usec = new TreeMap<>();
    calls(n, round, usec);
    runs.computeIfAbsent(name, k -> new ArrayList<>()).add(usec.get(call));
  }
}
