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
    for (int i = 0; i < 20; i++) {
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
      double perCreate = usec.get(call);

      Map<String, Long> batch = calls(n / 10, i -> storage.create(jobs(10)), usec);
      assertThat(batch)
          .isEqualTo(
              times(
                  n / 10, call, 1, "time", 1, "hget", 10, "exists", 1, "set", 10, "hset", 10,
                  "incrby", 1, "sadd", 1, "zadd", 2, "publish", 1));
      System.out.printf(
          "[cost] functions=%s create, no offer: %.1f us/call (1 job), %.1f us/call (10 jobs)%n",
          functions, perCreate, usec.get(call));
    }
  }

  @ParameterizedTest(name = "functions={0}")
  @ValueSource(booleans = {true, false})
  void createThatHandsOver(boolean functions) {
    String call = functions ? "fcall" : "evalsha";
    int n = 500;
    Map<String, Double> usec = new TreeMap<>();
    try (RedisStorage storage = storage(functions)) {
      // Idle server: a claim on an empty queue, then the same that leaves an offer.
      calls(n, i -> storage.claim("s1", List.of("default"), 4), usec);
      double claim = usec.get(call);
      calls(n, i -> storage.claimOrOffer("s1", List.of("default"), 4, TTL), usec);
      double offer = usec.get(call);

      // Offers of many slots, so that nearly every create uses one without ending the offer.
      storage.claimOrOffer("s1", List.of("default"), 1_000_000, TTL);
      Map<String, Long> handing =
          calls(
              n,
              i ->
                  assertThat(storage.create(jobs(1)))
                      .extracting(CreateResult::state)
                      .containsExactly(JobState.PROCESSING),
              usec);
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
      System.out.printf(
          "[cost] functions=%s claim (empty queue) %.1f us/call, claimOrOffer (empty queue) %.1f"
              + " us/call, create that hands over %.1f us/call%n",
          functions, claim, offer, usec.get(call));
    }
  }
}
