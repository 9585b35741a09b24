package dev.baton.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.client.BatonClient;
import dev.baton.job.JobHandler;
import dev.baton.job.JobId;
import dev.baton.job.JobType;
import dev.baton.state.JobState;
import dev.baton.storage.JobStorage;
import dev.baton.storage.memory.InMemoryStorage;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Health follows the storage and the server's life: UP, DOWN when Redis goes away (its port
 * closed), OUT_OF_SERVICE while the context shuts the server down; the shutdown hands a running job
 * back to its queue, attempt unspent, before the context finishes closing.
 */
class HealthAndShutdownTest {
  record Work(int n) {}

  static final JobType<Work> WORK = JobType.of("long-work", Work.class);

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  BatonAutoConfiguration.class, BatonActuatorAutoConfiguration.class));

  @Test
  void healthIsDownWhenRedisIsUnreachable() throws Exception {
    try (TcpProxy proxy = new TcpProxy("127.0.0.1", 6379)) {
      runner
          .withPropertyValues(
              "baton.storage.type=redis",
              "baton.storage.redis.uri=redis://127.0.0.1:" + proxy.port() + "/12",
              "baton.storage.redis.namespace=health-test",
              "baton.storage.redis.command-timeout=500ms",
              "baton.server.enabled=false")
          .run(
              ctx -> {
                assertThat(ctx).hasNotFailed();
                BatonHealthIndicator health = ctx.getBean(BatonHealthIndicator.class);
                await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> health.health().getStatus().equals(Status.UP));
                proxy.close(); // the port is closed, every connection cut
                await()
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> health.health().getStatus().equals(Status.DOWN));
                assertThat(health.health().getDetails()).containsEntry("storageReachable", false);
              });
    }
  }

  /** A job that runs until its token fires, noting the health it sees then. */
  @Configuration(proxyBeanMethods = false)
  static class LongJob {
    final AtomicReference<Status> healthAtCancel = new AtomicReference<>();

    @Bean
    InMemoryStorage storage() {
      return new InMemoryStorage();
    }

    @Bean
    JobType<Work> workType() {
      return WORK;
    }

    @Bean
    JobHandler<Work> work(
        org.springframework.beans.factory.ObjectProvider<BatonHealthIndicator> health) {
      return (args, ctx) -> {
        ctx.onCancel(() -> healthAtCancel.set(health.getObject().health().getStatus()));
        while (!ctx.isCancellationRequested()) {
          Thread.sleep(10);
        }
        ctx.throwIfCancellationRequested();
      };
    }
  }

  @Test
  void shutdownHandsTheRunningJobBackAndHealthSaysOutOfService() {
    AtomicReference<JobId> id = new AtomicReference<>();
    AtomicReference<JobStorage> storage = new AtomicReference<>();
    AtomicReference<LongJob> job = new AtomicReference<>();
    runner
        .withUserConfiguration(LongJob.class)
        .withPropertyValues("baton.server.shutdown-grace=5s")
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed();
              assertThat(ctx.getBean(BatonHealthIndicator.class).health().getStatus())
                  .isEqualTo(Status.UP);
              BatonClient client = ctx.getBean(BatonClient.class);
              id.set(client.enqueue(WORK, new Work(1)).id());
              await()
                  .atMost(Duration.ofSeconds(10))
                  .until(() -> client.find(id.get()).orElseThrow().state() == JobState.PROCESSING);
              storage.set(ctx.getBean(JobStorage.class));
              job.set(ctx.getBean(LongJob.class));
            });
    // The context is closed: the server stopped before the storage was closed.
    var record = storage.get().find(id.get()).orElseThrow();
    assertThat(record.state()).isEqualTo(JobState.ENQUEUED);
    assertThat(record.attempt()).isEqualTo(1);
    assertThat(job.get().healthAtCancel.get()).isEqualTo(Status.OUT_OF_SERVICE);
  }
}
