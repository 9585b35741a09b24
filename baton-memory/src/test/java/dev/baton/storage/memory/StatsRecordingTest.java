package dev.baton.storage.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.client.BatonClient;
import dev.baton.client.EnqueueResult;
import dev.baton.job.JobType;
import dev.baton.job.RetryBackoff;
import dev.baton.server.BatonServer;
import dev.baton.server.BatonServerConfig;
import dev.baton.state.JobState;
import dev.baton.storage.JobStorage;
import dev.baton.storage.MinuteStats;
import dev.baton.storage.ServerEvent;
import dev.baton.tck.StorageInterceptor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real server on the in-memory storage counts what it runs into the storage's per-minute
 * statistics, records its start, stop and the peers it declares dead, and never lets a failing
 * statistics write touch a job.
 */
class StatsRecordingTest {
  static final JobType<String> SLOW = JobType.of("stats.slow", String.class);
  static final JobType<String> BOOM =
      JobType.of("stats.boom", String.class).withOptions(o -> o.maxAttempts(1));
  static final JobType<String> FLAKY =
      JobType.of("stats.flaky", String.class)
          .withOptions(
              o -> o.maxAttempts(2).retryBackoff(RetryBackoff.fixed(Duration.ofMillis(50))));
  static final JobType<String> BLOCKING = JobType.of("stats.blocking", String.class);

  private final InMemoryStorage memory = new InMemoryStorage();
  private final BatonClient client = BatonClient.create(memory);
  private final List<BatonServer> servers = new ArrayList<>();

  @AfterEach
  void stop() {
    servers.forEach(BatonServer::close);
    memory.close();
  }

  private static BatonServerConfig.Builder fast(String id) {
    return BatonServerConfig.builder()
        .serverId(id)
        .workers(4)
        .heartbeatInterval(Duration.ofMillis(100))
        .serverTimeout(Duration.ofSeconds(1))
        .pollInterval(Duration.ofMillis(200))
        .promotionInterval(Duration.ofMillis(20))
        .shutdownGrace(Duration.ofMillis(500));
  }

  private BatonServer start(JobStorage storage, BatonServerConfig config) {
    AtomicInteger flakyRuns = new AtomicInteger();
    BatonServer server =
        BatonServer.builder(storage)
            .config(config)
            .handle(SLOW, (args, ctx) -> Thread.sleep(20)) // the job's own work, timed
            .handle(
                BOOM,
                (args, ctx) -> {
                  throw new IllegalStateException("boom");
                })
            .handle(
                FLAKY,
                (args, ctx) -> {
                  if (ctx.attempt() == 1) {
                    flakyRuns.incrementAndGet();
                    throw new IllegalStateException("first attempt fails");
                  }
                })
            .build()
            .start();
    servers.add(server);
    return server;
  }

  private Map<String, MinuteStats> statsByType() {
    Instant now = memory.now();
    return memory.stats(now.minus(Duration.ofHours(1)), now.plus(Duration.ofHours(1))).stream()
        .collect(Collectors.toMap(MinuteStats::type, s -> s, MinuteStats::plus));
  }

  private void awaitState(EnqueueResult r, JobState state) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> memory.find(r.id()).orElseThrow().state() == state);
  }

  @Test
  void countsSucceededFailedAndRetriedRunsPerTypeWithTheirTimes() {
    start(memory, fast("stats-a").build());
    for (int i = 0; i < 3; i++) {
      client.enqueue(SLOW, "s" + i);
    }
    client.enqueue(BOOM, "b1");
    client.enqueue(BOOM, "b2");
    client.enqueue(FLAKY, "f");

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              Map<String, MinuteStats> stats = statsByType();
              assertThat(stats.get("stats.slow")).isNotNull();
              assertThat(stats.get("stats.slow").succeeded()).isEqualTo(3);
              assertThat(stats.get("stats.boom")).isNotNull();
              assertThat(stats.get("stats.boom").failed()).isEqualTo(2);
              assertThat(stats.get("stats.flaky")).isNotNull();
              assertThat(stats.get("stats.flaky").retried()).isEqualTo(1);
              assertThat(stats.get("stats.flaky").succeeded()).isEqualTo(1);
            });
    Map<String, MinuteStats> stats = statsByType();
    assertThat(stats.get("stats.slow").runMillis()).isGreaterThanOrEqualTo(60);
    assertThat(stats.get("stats.slow").failed() + stats.get("stats.slow").retried()).isZero();
    assertThat(stats.get("stats.boom").succeeded() + stats.get("stats.boom").retried()).isZero();
    assertThat(stats.values()).allSatisfy(s -> assertThat(s.waitMillis()).isNotNegative());
  }

  @Test
  void recordsStartAndStopAndWritesTheLastCountsOnStop() {
    BatonServer server = start(memory, fast("stats-events").build());
    EnqueueResult r = client.enqueue(SLOW, "last");
    awaitState(r, JobState.SUCCEEDED);
    server.close();

    assertThat(statsByType().get("stats.slow").succeeded()).isEqualTo(1);
    List<ServerEvent> events = memory.serverEvents(10);
    assertThat(events)
        .extracting(ServerEvent::kind, ServerEvent::serverId)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(ServerEvent.Kind.STOPPED, "stats-events"),
            org.assertj.core.groups.Tuple.tuple(ServerEvent.Kind.STARTED, "stats-events"));
    assertThat(events.get(1).detail()).contains("4 workers");
  }

  @Test
  void statsOffWritesNoCountsAndNoEvents() {
    BatonServer server = start(memory, fast("stats-off").stats(false).build());
    EnqueueResult r = client.enqueue(SLOW, "quiet");
    awaitState(r, JobState.SUCCEEDED);
    server.close();

    assertThat(statsByType()).isEmpty();
    assertThat(memory.serverEvents(10)).isEmpty();
  }

  @Test
  void failingStatsWritesFailNoJobAndAreRetried() {
    AtomicInteger failures = new AtomicInteger(2);
    JobStorage flaky =
        StorageInterceptor.before(
            memory,
            "addStats",
            args -> {
              if (failures.getAndDecrement() > 0) {
                throw new IllegalStateException("stats table unavailable");
              }
            });
    start(flaky, fast("stats-flaky-storage").build());
    EnqueueResult a = client.enqueue(SLOW, "a");
    awaitState(a, JobState.SUCCEEDED);
    EnqueueResult b = client.enqueue(SLOW, "b");
    awaitState(b, JobState.SUCCEEDED);

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(statsByType().get("stats.slow")).isNotNull();
              assertThat(statsByType().get("stats.slow").succeeded()).isEqualTo(2);
            });
    assertThat(failures.get()).isNegative();
  }

  @Test
  void aRescueRecordsWhoWasDeclaredDeadByWhomAndHowManyJobs() throws Exception {
    CountDownLatch startedOnA = new CountDownLatch(1);
    CountDownLatch releaseA = new CountDownLatch(1);
    BatonServer a =
        BatonServer.builder(memory)
            .config(fast("stats-dead").build())
            .handle(
                BLOCKING,
                (args, ctx) -> {
                  startedOnA.countDown();
                  releaseA.await();
                })
            .build()
            .start();
    servers.add(a);
    EnqueueResult r = client.enqueue(BLOCKING, "held");
    assertThat(startedOnA.await(5, TimeUnit.SECONDS)).isTrue();
    a.simulateFreeze();
    a.close(); // as kill -9: nothing written to the storage
    BatonServer b =
        BatonServer.builder(memory)
            .config(fast("stats-rescuer").build())
            .handle(BLOCKING, (args, ctx) -> {})
            .build()
            .start();
    servers.add(b);

    awaitState(r, JobState.SUCCEEDED);
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(memory.serverEvents(10))
                    .filteredOn(e -> e.kind() == ServerEvent.Kind.DECLARED_DEAD)
                    .singleElement()
                    .satisfies(
                        e -> {
                          assertThat(e.serverId()).isEqualTo("stats-dead");
                          assertThat(e.byServerId()).isEqualTo("stats-rescuer");
                          assertThat(e.jobs()).isEqualTo(1);
                          assertThat(e.detail()).contains("1 jobs requeued");
                        }));
    assertThat(memory.serverEvents(10))
        .filteredOn(e -> e.serverId().equals("stats-dead"))
        .extracting(ServerEvent::kind)
        .doesNotContain(ServerEvent.Kind.STOPPED);
    releaseA.countDown();
  }
}
