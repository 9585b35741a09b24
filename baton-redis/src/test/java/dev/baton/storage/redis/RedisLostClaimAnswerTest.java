package dev.baton.storage.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.baton.client.BatonClient;
import dev.baton.client.EnqueueResult;
import dev.baton.client.JobView;
import dev.baton.job.JobId;
import dev.baton.job.JobType;
import dev.baton.server.BatonServer;
import dev.baton.server.BatonServerConfig;
import dev.baton.state.JobState;
import dev.baton.storage.JobStorage;
import dev.baton.storage.LeasedJob;
import dev.baton.tck.StorageInterceptor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A claim whose answer is lost, for real: Redis is paused for writes ({@code CLIENT PAUSE}) right
 * after the server's last claim, a client creates a job (queued behind the pause), and the server's
 * next claim waits behind it, times out, and is run by Redis once the pause ends: it leases the job
 * to the server, which heard only a timeout. The server must find the job ({@code leasedTo}) once
 * it can claim again, and run it once. Its own Redis on port 7131, since the pause stops every
 * client.
 */
class RedisLostClaimAnswerTest {
  record Work(String name) {}

  /** A mutex makes the job not plain, so it is never handed over: only a claim can lease it. */
  static final JobType<Work> GUARDED =
      JobType.of("lost-answer.guarded", Work.class).withOptions(o -> o.mutex("lost-answer"));

  private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(300);
  private static final Duration POLL = Duration.ofMillis(400);
  private static final long PAUSE_MILLIS = 1_000;
  private static final int ROUNDS = 3;

  private final RedisServerProcess redis =
      new RedisServerProcess(
          7131, Path.of("target", "redis-lost-answer"), List.of("--appendonly", "no"));

  @AfterEach
  void stop() {
    redis.stop();
  }

  @Test
  void aClaimRunAfterItsTimeoutLeasesAJobTheServerThenFindsAndRunsOnce() throws Exception {
    assumeTrue(RedisServerProcess.installed(), "redis-server is not installed");
    redis.stop();
    redis.start();
    AtomicLong lastClaimNanos = new AtomicLong();
    AtomicInteger failedClaims = new AtomicInteger();
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>(); // runs per job name
    Set<JobId> answered = ConcurrentHashMap.newKeySet(); // jobs leased by claims that answered
    try (RedisStorage clientStorage = storage(Duration.ofSeconds(10));
        RedisStorage serverStorage = storage(COMMAND_TIMEOUT);
        RedisClient admin = RedisClient.create(redis.uri());
        StatefulRedisConnection<String, String> adminConnection = admin.connect()) {
      JobStorage watched =
          StorageInterceptor.around(
              serverStorage,
              "claimOrOffer",
              call -> {
                try {
                  Object leased = call.get();
                  ((List<?>) leased).forEach(j -> answered.add(((LeasedJob) j).lease().jobId()));
                  return leased;
                } catch (RuntimeException e) { // the timeout
                  failedClaims.incrementAndGet();
                  throw e;
                } finally {
                  lastClaimNanos.set(System.nanoTime());
                }
              });
      BatonServer server =
          BatonServer.builder(watched)
              .config(
                  BatonServerConfig.builder()
                      .serverId("lost-answer")
                      .workers(2)
                      .heartbeatInterval(Duration.ofMillis(200))
                      .serverTimeout(Duration.ofSeconds(60)) // its periodic look comes too late
                      .pollInterval(POLL)
                      .shutdownGrace(Duration.ofMillis(500))
                      .build())
              .handle(
                  GUARDED,
                  (args, ctx) ->
                      runs.computeIfAbsent(args.name(), n -> new AtomicInteger()).incrementAndGet())
              .build()
              .start();
      try {
        // A first job warms up the client's enqueue and the server's run, so that each measured
        // create reaches Redis within milliseconds of the pause.
        EnqueueResult warm = BatonClient.create(clientStorage).enqueue(GUARDED, new Work("warm"));
        await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> state(clientStorage, warm) == JobState.SUCCEEDED);
        // A claim that was already on its way when the pause began runs before the create, so a
        // round may miss the scenario; a round that missed is repeated, and at least one must hit.
        List<JobId> lostAnswerJobs = new ArrayList<>();
        for (int round = 1; round <= ROUNDS && lostAnswerJobs.isEmpty(); round++) {
          JobId id = pausedRound(clientStorage, adminConnection, lastClaimNanos, "round " + round);
          JobView done = BatonClient.create(clientStorage).find(id).orElseThrow();
          assertThat(done.attempt()).isEqualTo(1);
          assertThat(done.history().stream().filter(e -> e.state() == JobState.PROCESSING))
              .hasSize(1);
          if (!answered.contains(id)) {
            lostAnswerJobs.add(id); // leased by a claim whose answer was lost
          }
        }
        assertThat(failedClaims.get()).as("claims that timed out behind the pause").isPositive();
        assertThat(lostAnswerJobs)
            .as("a job leased by a claim whose answer was lost, in %d rounds", ROUNDS)
            .isNotEmpty();
        await()
            .during(Duration.ofMillis(500))
            .atMost(Duration.ofSeconds(2))
            .until(() -> runs.values().stream().allMatch(n -> n.get() == 1));
      } finally {
        server.close();
      }
    }
  }

  /**
   * Pauses Redis right after one of the server's idle claims (its next one comes a poll interval
   * later, inside the pause), creates a job behind the pause, and waits until it succeeded.
   */
  private static JobId pausedRound(
      RedisStorage clientStorage,
      StatefulRedisConnection<String, String> admin,
      AtomicLong lastClaimNanos,
      String name)
      throws Exception {
    Thread.sleep(POLL.toMillis() * 2); // claims are paced by the poll interval again
    long since = lastClaimNanos.get();
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(2))
        .until(() -> lastClaimNanos.get() != since);
    admin.sync().clientPause(PAUSE_MILLIS); // every client, until it ends
    CompletableFuture<EnqueueResult> created =
        CompletableFuture.supplyAsync(
            () -> BatonClient.create(clientStorage).enqueue(GUARDED, new Work(name)));
    EnqueueResult r = created.get(10, TimeUnit.SECONDS);
    assertThat(r.state()).isEqualTo(JobState.ENQUEUED);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> state(clientStorage, r) == JobState.SUCCEEDED);
    return r.id();
  }

  private static JobState state(RedisStorage storage, EnqueueResult r) {
    return BatonClient.create(storage).find(r.id()).map(JobView::state).orElseThrow();
  }

  private RedisStorage storage(Duration commandTimeout) {
    return RedisStorage.builder()
        .uri(redis.uri())
        .namespace("lost-answer")
        .commandTimeout(commandTimeout)
        .build();
  }
}
