package dev.baton.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.client.BatonClient;
import dev.baton.job.JobOptions;
import dev.baton.job.JobType;
import dev.baton.server.BatonServer;
import dev.baton.server.BatonServerConfig;
import dev.baton.storage.JobMonitor;
import dev.baton.storage.memory.InMemoryStorage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Rescue counters, cardinality caps, the gauge cache and configuration checks (in memory). */
class RescueAndCapsTest {
  record Args(int n) {}

  static final JobType<Args> STUCK =
      JobType.of("stuck", Args.class).withOptions(o -> o.queue("rescue"));

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final InMemoryStorage storage = new InMemoryStorage();

  static BatonServerConfig.Builder quick(String id, String queue) {
    return BatonServerConfig.builder()
        .serverId(id)
        .queues(queue)
        .workers(2)
        .heartbeatInterval(Duration.ofMillis(300))
        .serverTimeout(Duration.ofSeconds(1))
        .shutdownGrace(Duration.ofMillis(200));
  }

  @Test
  void countsTheServersDeclaredDeadAndTheJobsTakenBack() throws Exception {
    BatonMetrics metrics = BatonMetrics.builder(registry).build();
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    BatonServer doomed =
        BatonServer.builder(storage)
            .config(quick("doomed", "rescue").build())
            .handle(
                STUCK,
                (a, ctx) -> {
                  running.countDown();
                  release.await(20, TimeUnit.SECONDS);
                })
            .build()
            .start();
    try (BatonServer rescuer =
        metrics
            .install(BatonServer.builder(storage).config(quick("rescuer", "idle").build()))
            .build()
            .start()) {
      BatonClient.create(storage).enqueue(STUCK, new Args(1));
      assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
      doomed.simulateFreeze();
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(registry.get(BatonMetrics.SERVERS_RESCUED).counter().count()).isOne());
      assertThat(registry.get(BatonMetrics.JOBS_RESCUED).counter().count()).isOne();
    } finally {
      release.countDown();
      doomed.close();
    }
  }

  @Test
  void jobTypesAndQueuesBeyondTheCapsAreFoldedIntoOther() {
    BatonMetrics metrics = BatonMetrics.builder(registry).maxJobTypes(2).maxQueues(1).build();
    BatonClient client =
        BatonClient.builder(storage).listener(metrics.clientListener(storage)).build();
    for (String type : new String[] {"a", "b", "c", "d", "a"}) {
      client.enqueue(JobType.of(type, Args.class), new Args(0));
    }
    client.enqueue(
        JobType.of("a", Args.class), new Args(0), JobOptions.builder().queue("q2").build());
    assertThat(count("a", "default")).isEqualTo(2);
    assertThat(count("b", "default")).isEqualTo(1);
    assertThat(count("other", "default")).isEqualTo(2);
    assertThat(count("a", "other")).isEqualTo(1);
    assertThat(registry.find(BatonMetrics.ENQUEUED).counters()).hasSize(4);

    metrics.bindStorage(storage).refresh(); // the gauges fold the same queues
    assertThat(registry.get(BatonMetrics.QUEUE_DEPTH).tag("queue", "default").gauge().value())
        .isEqualTo(5);
    assertThat(registry.get(BatonMetrics.QUEUE_DEPTH).tag("queue", "other").gauge().value())
        .isEqualTo(1);
    assertThat(registry.find(BatonMetrics.QUEUE_DEPTH).gauges()).hasSize(2);
  }

  @Test
  void gaugesAskTheStorageAtMostOncePerRefreshWhateverTheScrapes() {
    AtomicInteger queueReads = new AtomicInteger();
    JobMonitor counting =
        (JobMonitor)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {JobMonitor.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("queues")) {
                    queueReads.incrementAndGet();
                  }
                  return method.invoke(storage, args);
                });
    BatonClient.create(storage).enqueue(STUCK, new Args(1));
    AtomicLong now = new AtomicLong();
    StorageGauges gauges =
        new StorageGauges(
            counting,
            registry,
            io.micrometer.core.instrument.Tags.empty(),
            new BoundedValues(10),
            Duration.ofSeconds(10),
            now::get);
    for (int i = 0; i < 5; i++) {
      assertThat(registry.get(BatonMetrics.SERVERS_ALIVE).gauge().value()).isZero();
    }
    assertThat(queueReads).hasValue(1);
    for (int i = 0; i < 5; i++) {
      assertThat(registry.get(BatonMetrics.QUEUE_DEPTH).tag("queue", "rescue").gauge().value())
          .isEqualTo(1);
    }
    assertThat(queueReads).hasValue(1);
    now.addAndGet(Duration.ofSeconds(10).toNanos());
    BatonClient.create(storage).enqueue(STUCK, new Args(2));
    assertThat(registry.get(BatonMetrics.QUEUE_DEPTH).tag("queue", "rescue").gauge().value())
        .isEqualTo(2);
    assertThat(queueReads).hasValue(2);
    gauges.refresh();
    assertThat(queueReads).hasValue(3);
  }

  @Test
  void aFailingStorageMakesTheGaugesNaN() {
    JobMonitor broken =
        (JobMonitor)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {JobMonitor.class},
                (proxy, method, args) -> {
                  throw new IllegalStateException("storage down");
                });
    BatonMetrics.builder(registry).build().bindStorage(broken);
    assertThat(registry.get(BatonMetrics.SERVERS_ALIVE).gauge().value()).isNaN();
  }

  @Test
  void percentileHistogramsCanBeTurnedOff() {
    HistogramRegistry histograms = new HistogramRegistry();
    BatonMetrics off = BatonMetrics.builder(histograms).percentileHistograms(false).build();
    BatonMetrics on = BatonMetrics.builder(registry).build();
    JobMeters.ForPair withOut = off.meters().of("t", "q");
    withOut.queueWait.record(Duration.ofMillis(5));
    assertThat(withOut.queueWait.takeSnapshot().histogramCounts()).isEmpty();
    assertThat(on.meters().of("t", "q").queueWait.count()).isZero();
  }

  @Test
  void badSettingsAreRejectedWithTheirName() {
    assertThatThrownBy(() -> BatonMetrics.builder(registry).maxJobTypes(0))
        .hasMessageContaining("maxJobTypes")
        .hasMessageContaining("0");
    assertThatThrownBy(() -> BatonMetrics.builder(registry).gaugeRefresh(Duration.ZERO))
        .hasMessageContaining("gaugeRefresh");
  }

  double count(String type, String queue) {
    var c = registry.find(BatonMetrics.ENQUEUED).tags("type", type, "queue", queue).counter();
    return c == null ? 0 : c.count();
  }
}
