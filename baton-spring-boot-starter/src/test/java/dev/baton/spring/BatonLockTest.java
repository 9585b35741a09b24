package dev.baton.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Two application contexts, each with its own Baton (server id, client, pools), on one PostgreSQL
 * schema: a {@code @Scheduled} method under {@code @BatonLock} never runs on both at once, and each
 * run sees a fencing token greater than every earlier run's.
 */
class BatonLockTest {
  /** One run: which instance, its token, when it started and ended (nanoTime). */
  record Run(String instance, long token, long start, long end) {}

  /** Shared by both contexts of the test, the way a table would be shared by two JVMs. */
  static final Queue<Run> LEDGER = new ConcurrentLinkedQueue<>();

  /** The application's scheduled task. */
  static class Report {
    private final BatonLockContext lock;
    private final String instance;

    Report(BatonLockContext lock, String instance) {
      this.lock = lock;
      this.instance = instance;
    }

    @Scheduled(fixedDelay = 5)
    @BatonLock(name = "nightly-report", atMost = "10s")
    public void run() throws InterruptedException {
      long start = System.nanoTime();
      long token = lock.token();
      Thread.sleep(30);
      LEDGER.add(new Run(instance, token, start, System.nanoTime()));
    }
  }

  @Configuration(proxyBeanMethods = false)
  @EnableScheduling
  static class App {
    @Bean
    Report report(BatonLockContext lock, org.springframework.core.env.Environment env) {
      return new Report(lock, env.getProperty("instance"));
    }
  }

  @Test
  void aLockedScheduledMethodNeverRunsOnTwoInstancesAtOnce() {
    String schema = Pg.freshSchema();
    ApplicationContextRunner runner =
        new ApplicationContextRunner()
            .withConfiguration(
                AutoConfigurations.of(
                    DataSourceAutoConfiguration.class,
                    TaskSchedulingAutoConfiguration.class,
                    BatonAutoConfiguration.class))
            .withUserConfiguration(App.class)
            .withPropertyValues(Pg.appDataSource(schema))
            .withPropertyValues("baton.server.enabled=false");
    runner
        .withPropertyValues("instance=a", "baton.server.server-id=app-a")
        .run(
            a ->
                runner
                    .withPropertyValues("instance=b", "baton.server.server-id=app-b")
                    .run(
                        b -> {
                          assertThat(a).hasNotFailed();
                          assertThat(b).hasNotFailed();
                          await()
                              .atMost(Duration.ofSeconds(60))
                              .until(
                                  () ->
                                      LEDGER.stream().filter(r -> r.instance().equals("a")).count()
                                              >= 5
                                          && LEDGER.stream()
                                                  .filter(r -> r.instance().equals("b"))
                                                  .count()
                                              >= 5);
                        }));
    List<Run> runs = new ArrayList<>(LEDGER);
    runs.sort(Comparator.comparingLong(Run::start));
    for (int i = 1; i < runs.size(); i++) {
      Run before = runs.get(i - 1);
      Run run = runs.get(i);
      assertThat(run.start())
          .as("%s started before %s ended", run, before)
          .isGreaterThan(before.end());
      assertThat(run.token()).as("token of %s after %s", run, before).isGreaterThan(before.token());
    }
    new JdbcTemplate(
            new org.springframework.jdbc.datasource.DriverManagerDataSource(Pg.URL, Pg.USER, ""))
        .execute("DROP SCHEMA " + schema + " CASCADE");
  }
}
