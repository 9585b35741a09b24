package dev.baton.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.client.BatonClient;
import dev.baton.job.JobOptions;
import dev.baton.job.JobType;
import dev.baton.job.RetryBackoff;
import dev.baton.server.BatonServer;
import dev.baton.server.BatonServerConfig;
import dev.baton.storage.JobStorage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real jobs on a real server, metrics read from a {@link SimpleMeterRegistry}: every count exact.
 * Each storage subclasses it with a fresh storage per test.
 */
abstract class MetricsScenario {
  record Args(int n) {}

  static final RetryBackoff QUICK = RetryBackoff.fixed(Duration.ofMillis(10));
  static final JobType<Args> OK = JobType.of("ok", Args.class);
  static final JobType<Args> BOOM =
      JobType.of("boom", Args.class)
          .withOptions(o -> o.queue("slow").maxAttempts(2).retryBackoff(QUICK));
  static final JobType<Args> FLAKY =
      JobType.of("flaky", Args.class).withOptions(o -> o.maxAttempts(3).retryBackoff(QUICK));
  static final JobType<Args> HOLD =
      JobType.of("hold", Args.class).withOptions(o -> o.queue("held").mutex("hold"));

  SimpleMeterRegistry registry;
  BatonMetrics metrics;
  JobStorage storage;
  BatonClient client;
  final List<AutoCloseable> toClose = new java.util.ArrayList<>();

  /** A fresh, empty storage; closed by the subclass after each test. */
  abstract JobStorage newStorage();

  @BeforeEach
  void setUp() {
    registry = new HistogramRegistry();
    metrics = BatonMetrics.builder(registry).build();
    storage = newStorage();
    client = BatonClient.builder(storage).listener(metrics.clientListener(storage)).build();
  }

  @AfterEach
  void closeServers() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  BatonServer.Builder server(String... queues) {
    return metrics.install(
        BatonServer.builder(storage)
            .config(
                BatonServerConfig.builder()
                    .queues(queues)
                    .workers(4)
                    .shutdownGrace(Duration.ofSeconds(2))
                    .build()));
  }

  BatonServer started(BatonServer.Builder builder) {
    BatonServer server = builder.build().start();
    toClose.add(server);
    return server;
  }

  @Test
  void countsAndTimesSucceedingFailingAndRetryingJobs() {
    AtomicInteger flakyRuns = new AtomicInteger();
    started(
        server("default", "slow")
            .handle(OK, (a, ctx) -> {})
            .handle(
                BOOM,
                (a, ctx) -> {
                  throw new IllegalStateException("boom " + a.n());
                })
            .handle(
                FLAKY,
                (a, ctx) -> {
                  if (flakyRuns.incrementAndGet() == 1) {
                    throw new IllegalStateException("first run fails");
                  }
                }));
    for (int i = 0; i < 3; i++) {
      client.enqueue(OK, new Args(i));
    }
    client.enqueue(BOOM, new Args(7));
    client.enqueue(FLAKY, new Args(8));

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(count(BatonMetrics.SUCCEEDED, "ok", "default")).isEqualTo(3);
              assertThat(count(BatonMetrics.FAILED, "boom", "slow")).isEqualTo(1);
              assertThat(count(BatonMetrics.SUCCEEDED, "flaky", "default")).isEqualTo(1);
            });

    assertThat(count(BatonMetrics.ENQUEUED, "ok", "default")).isEqualTo(3);
    assertThat(count(BatonMetrics.ENQUEUED, "boom", "slow")).isEqualTo(1);
    assertThat(count(BatonMetrics.ENQUEUED, "flaky", "default")).isEqualTo(1);
    assertThat(count(BatonMetrics.RETRIED, "boom", "slow")).isEqualTo(1);
    assertThat(count(BatonMetrics.RETRIED, "flaky", "default")).isEqualTo(1);
    assertThat(count(BatonMetrics.RETRIED, "ok", "default")).isZero();
    assertThat(count(BatonMetrics.FAILED, "ok", "default")).isZero();
    assertThat(count(BatonMetrics.FAILED, "flaky", "default")).isZero();
    assertThat(count(BatonMetrics.SUCCEEDED, "boom", "slow")).isZero();

    assertThat(execution("ok", "default", "succeeded").count()).isEqualTo(3);
    assertThat(execution("boom", "slow", "retried").count()).isEqualTo(1);
    assertThat(execution("boom", "slow", "failed").count()).isEqualTo(1);
    assertThat(execution("flaky", "default", "retried").count()).isEqualTo(1);
    assertThat(execution("flaky", "default", "succeeded").count()).isEqualTo(1);
    assertThat(registry.find(BatonMetrics.EXECUTION).timers())
        .as("only outcomes that happened have a timer")
        .hasSize(5);

    // The queue wait is the first attempt's only: a retry's wait is not known to the server.
    assertThat(wait("ok", "default").count()).isEqualTo(3);
    assertThat(wait("boom", "slow").count()).isEqualTo(1);
    assertThat(wait("flaky", "default").count()).isEqualTo(1);
    assertThat(wait("ok", "default").max(TimeUnit.SECONDS)).isLessThan(20);

    // Tags: exactly type and queue (and outcome on the execution timer); no ids, no arguments.
    for (Meter m : registry.getMeters()) {
      if (m.getId().getName().startsWith("baton.job")
          && !m.getId().getName().equals(BatonMetrics.JOBS_RESCUED)) {
        List<String> keys = m.getId().getTags().stream().map(t -> t.getKey()).toList();
        assertThat(keys).isSubsetOf("type", "queue", "outcome").contains("type", "queue");
      }
    }
    for (Timer t : registry.find(BatonMetrics.EXECUTION).timers()) {
      assertThat(t.takeSnapshot().histogramCounts())
          .as("percentile histogram buckets")
          .isNotEmpty();
    }
    assertThat(wait("ok", "default").takeSnapshot().histogramCounts()).isNotEmpty();
  }

  @Test
  void gaugesShowQueueDepthBlockedJobsAndLiveServers() {
    StorageGauges gauges = metrics.bindStorage(client.monitor());
    for (int i = 0; i < 4; i++) {
      client.enqueue(OK, new Args(i)); // no server takes "default" here
    }
    client.enqueue(OK, new Args(9), JobOptions.builder().queue("other-queue").build());
    gauges.refresh();
    assertThat(gauge(BatonMetrics.QUEUE_DEPTH, "default")).isEqualTo(4);
    assertThat(gauge(BatonMetrics.QUEUE_DEPTH, "other-queue")).isEqualTo(1);
    assertThat(gauge(BatonMetrics.QUEUE_BLOCKED, "default")).isZero();
    assertThat(gauge(BatonMetrics.SERVERS_ALIVE, null)).isZero();

    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    started(
        server("held")
            .handle(
                HOLD,
                (a, ctx) -> {
                  started.countDown();
                  release.await(20, TimeUnit.SECONDS);
                }));
    for (int i = 0; i < 3; i++) {
      client.enqueue(HOLD, new Args(i)); // one mutex: one runs, two wait parked
    }
    try {
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                assertThat(started.getCount()).isZero();
                gauges.refresh();
                assertThat(gauge(BatonMetrics.QUEUE_BLOCKED, "held")).isEqualTo(2);
              });
      assertThat(gauge(BatonMetrics.QUEUE_PROCESSING, "held")).isEqualTo(1);
      assertThat(gauge(BatonMetrics.QUEUE_DEPTH, "held")).isZero();
      assertThat(gauge(BatonMetrics.SERVERS_ALIVE, null)).isEqualTo(1);
    } finally {
      release.countDown();
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(count(BatonMetrics.SUCCEEDED, "hold", "held")).isEqualTo(3));
    gauges.refresh();
    assertThat(gauge(BatonMetrics.QUEUE_BLOCKED, "held")).as("an emptied queue reads 0").isZero();
    assertThat(gauge(BatonMetrics.QUEUE_PROCESSING, "held")).isZero();
  }

  @Test
  void theQueueWaitStartsWhenAScheduledJobIsDueAndCountsFirstStartsOnly() {
    started(server("default").handle(OK, (a, ctx) -> {}));
    long before = System.nanoTime();
    var id = client.schedule(OK, new Args(1), Duration.ofMillis(1500)).id();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> assertThat(count(BatonMetrics.SUCCEEDED, "ok", "default")).isEqualTo(1));
    assertThat(Duration.ofNanos(System.nanoTime() - before)).isGreaterThan(Duration.ofMillis(1500));
    assertThat(wait("ok", "default").count()).isEqualTo(1);
    assertThat(wait("ok", "default").max(TimeUnit.MILLISECONDS))
        .as("the wait after it was due (promotion every 500 ms), not the 1.5 s delay")
        .isLessThan(1400);

    assertThat(client.requeue(id)).isTrue();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> assertThat(count(BatonMetrics.SUCCEEDED, "ok", "default")).isEqualTo(2));
    assertThat(wait("ok", "default").count()).as("a requeued job's wait is not known").isEqualTo(1);
    assertThat(execution("ok", "default", "succeeded").count()).isEqualTo(2);
  }

  @Test
  void deletesThroughTheClientAreCountedWithTheJobsTags() {
    var id = client.schedule(BOOM, new Args(1), Duration.ofHours(1)).id();
    assertThat(client.delete(id)).isTrue();
    assertThat(client.delete(id)).as("already deleted: not counted again").isFalse();
    assertThat(count(BatonMetrics.DELETED, "boom", "slow")).isEqualTo(1);
    assertThat(count(BatonMetrics.ENQUEUED, "boom", "slow")).isEqualTo(1);
  }

  double count(String name, String type, String queue) {
    Counter c = registry.find(name).tags("type", type, "queue", queue).counter();
    return c == null ? 0 : c.count();
  }

  Timer execution(String type, String queue, String outcome) {
    return registry
        .get(BatonMetrics.EXECUTION)
        .tags("type", type, "queue", queue, "outcome", outcome)
        .timer();
  }

  Timer wait(String type, String queue) {
    return registry.get(BatonMetrics.QUEUE_WAIT).tags("type", type, "queue", queue).timer();
  }

  double gauge(String name, String queue) {
    var search = registry.get(name);
    if (queue != null) {
      search = search.tag("queue", queue);
    }
    return search.gauge().value();
  }
}
