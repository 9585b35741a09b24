package dev.baton.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.client.BatonClient;
import dev.baton.client.EnqueueResult;
import dev.baton.job.JobId;
import dev.baton.job.JobType;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;

/**
 * A job enqueued inside a Spring {@code @Transactional} method on PostgreSQL is written in that
 * transaction: it exists only if the transaction commits, together with the application's rows.
 */
class TransactionalEnqueueTest {
  record Order(long id) {}

  static final JobType<Order> SHIP = JobType.of("ship-order", Order.class);

  /** The application's service: an order row and its job, in one transaction. */
  static class Orders {
    private final JdbcTemplate jdbc;
    private final BatonClient client;
    private final AtomicReference<JobId> lastJob = new AtomicReference<>();

    Orders(JdbcTemplate jdbc, BatonClient client) {
      this.jdbc = jdbc;
      this.client = client;
    }

    /** The job of the last call, committed or not (a method: the bean is a proxy). */
    public JobId lastJob() {
      return lastJob.get();
    }

    @Transactional
    public void place(long id, boolean fail) {
      jdbc.update("INSERT INTO app_orders (id) VALUES (?)", id);
      EnqueueResult r = client.enqueue(SHIP, new Order(id));
      lastJob.set(r.id());
      if (fail) {
        throw new IllegalStateException("payment refused");
      }
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class App {
    @Bean
    Orders orders(JdbcTemplate jdbc, BatonClient client) {
      return new Orders(jdbc, client);
    }
  }

  private static ApplicationContextRunner runner(String schema) {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                DataSourceAutoConfiguration.class,
                DataSourceTransactionManagerAutoConfiguration.class,
                TransactionAutoConfiguration.class,
                JdbcTemplateAutoConfiguration.class,
                BatonAutoConfiguration.class))
        .withUserConfiguration(App.class)
        // No server: the job must stay in the storage for the test to look at it.
        .withPropertyValues(Pg.appDataSource(schema))
        .withPropertyValues("baton.server.enabled=false");
  }

  @Test
  void theJobCommitsAndRollsBackWithTheTransaction() {
    String schema = Pg.freshSchema();
    runner(schema)
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed();
              JdbcTemplate jdbc = ctx.getBean(JdbcTemplate.class);
              jdbc.execute("CREATE TABLE app_orders (id BIGINT PRIMARY KEY)");
              try {
                Orders orders = ctx.getBean(Orders.class);
                BatonClient client = ctx.getBean(BatonClient.class);

                orders.place(1, false);
                JobId committed = orders.lastJob();
                assertThat(client.find(committed)).isPresent();

                assertThatThrownBy(() -> orders.place(2, true)).hasMessage("payment refused");
                JobId rolledBack = orders.lastJob();
                assertThat(rolledBack).isNotEqualTo(committed);
                assertThat(client.find(rolledBack)).isEmpty();
                assertThat(jdbc.queryForList("SELECT id FROM app_orders", Long.class))
                    .containsExactly(1L);

                // Outside a transaction the client enqueues on its own, as always.
                assertThat(client.find(client.enqueue(SHIP, new Order(3)).id())).isPresent();
                // The application's connection is handed back with its own schema setting.
                assertThat(jdbc.queryForObject("SELECT current_schema()", String.class))
                    .isEqualTo("public");
              } finally {
                jdbc.execute("DROP TABLE app_orders");
                jdbc.execute("DROP SCHEMA " + schema + " CASCADE");
              }
            });
  }

  /** The switch works, and shows the test above would catch an enqueue outside the transaction. */
  @Test
  void withoutJoiningTheJobOutlivesTheRollback() {
    String schema = Pg.freshSchema();
    runner(schema)
        .withPropertyValues("baton.client.join-transactions=false")
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed();
              JdbcTemplate jdbc = ctx.getBean(JdbcTemplate.class);
              jdbc.execute("CREATE TABLE app_orders (id BIGINT PRIMARY KEY)");
              try {
                Orders orders = ctx.getBean(Orders.class);
                assertThatThrownBy(() -> orders.place(2, true)).hasMessage("payment refused");
                assertThat(ctx.getBean(BatonClient.class).find(orders.lastJob())).isPresent();
                assertThat(jdbc.queryForList("SELECT id FROM app_orders", Long.class)).isEmpty();
              } finally {
                jdbc.execute("DROP TABLE app_orders");
                jdbc.execute("DROP SCHEMA " + schema + " CASCADE");
              }
            });
  }
}
