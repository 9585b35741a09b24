package dev.baton.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.client.BatonClient;
import dev.baton.job.JobContext;
import dev.baton.job.JobHandler;
import dev.baton.job.JobType;
import dev.baton.storage.JobStorage;
import dev.baton.storage.jdbc.JdbcStorage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Handler beans run their types' jobs and {@code @Recurring} methods fire, on H2 and memory. */
class HandlerBeansTest {
  record Greeting(String name) {}

  record Resize(int width) {}

  static final JobType<Greeting> GREET = JobType.of("greet", Greeting.class);
  static final JobType<Resize> RESIZE = JobType.of("resize", Resize.class);

  /** Handlers of both kinds, a recurring method, and a bean counting what ran. */
  @Configuration(proxyBeanMethods = false)
  static class Jobs {
    final List<String> ran = new CopyOnWriteArrayList<>();
    final AtomicInteger ticks = new AtomicInteger();

    @Bean
    JobType<Greeting> greetType() {
      return GREET;
    }

    @Bean
    JobHandler<Greeting> greeter() {
      return (args, ctx) -> ran.add("hello " + args.name());
    }

    @Bean
    BatonJobHandler<Resize> resizer() {
      return new BatonJobHandler<>() {
        @Override
        public JobType<Resize> jobType() {
          return RESIZE;
        }

        @Override
        public void run(Resize args, JobContext ctx) {
          ran.add("resized to " + args.width());
        }
      };
    }

    @Bean
    Ticker ticker() {
      return new Ticker(ticks);
    }
  }

  /** A bean with a recurring method that fires every second, its cron and zone from properties. */
  static class Ticker {
    private final AtomicInteger ticks;

    Ticker(AtomicInteger ticks) {
      this.ticks = ticks;
    }

    @Recurring(id = "tick", cron = "${ticker.cron}", zone = "${ticker.zone:Europe/Paris}")
    void tick(JobContext ctx) {
      ticks.incrementAndGet();
    }
  }

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  DataSourceAutoConfiguration.class, BatonAutoConfiguration.class))
          .withUserConfiguration(Jobs.class)
          .withPropertyValues("baton.server.shutdown-grace=1s", "ticker.cron=*/1 * * * * *");

  @Test
  void handlerBeansRunTheirJobsAndRecurringMethodsFireOnH2() {
    runner
        .withPropertyValues(
            "spring.datasource.url=jdbc:h2:mem:handlers;MODE=PostgreSQL;DB_CLOSE_DELAY=-1")
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed();
              assertThat(ctx.getBean(JobStorage.class)).isInstanceOf(JdbcStorage.class);
              BatonClient client = ctx.getBean(BatonClient.class);
              client.enqueue(GREET, new Greeting("spring"));
              client.enqueue(RESIZE, new Resize(640));
              Jobs jobs = ctx.getBean(Jobs.class);
              await()
                  .atMost(Duration.ofSeconds(10))
                  .untilAsserted(
                      () -> assertThat(jobs.ran).contains("hello spring", "resized to 640"));
              await().atMost(Duration.ofSeconds(10)).until(() -> jobs.ticks.get() >= 2);
              assertThat(client.recurring().list())
                  .anySatisfy(
                      r -> {
                        assertThat(r.id()).isEqualTo("tick");
                        assertThat(r.definition().cron()).isEqualTo("*/1 * * * * *");
                        assertThat(r.definition().zone()).hasToString("Europe/Paris");
                      });
            });
  }

  @Test
  void aHandlerWithoutItsTypeFailsTheStartNamingTheBean() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(BatonAutoConfiguration.class))
        .withBean(
            "orphan", JobHandler.class, () -> (JobHandler<Greeting>) (args, ctx) -> {}, d -> {})
        .run(ctx -> assertThat(ctx).getFailure().hasStackTraceContaining("handler bean 'orphan'"));
  }

  @Test
  void anUnknownPlaceholderInRecurringFailsTheStartNamingTheMethod() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(BatonAutoConfiguration.class))
        .withBean(Ticker.class, () -> new Ticker(new AtomicInteger()))
        .run(
            ctx ->
                assertThat(ctx)
                    .getFailure()
                    .hasStackTraceContaining("@Recurring method ")
                    .hasStackTraceContaining(".tick: ")
                    .hasStackTraceContaining("ticker.cron"));
  }
}
