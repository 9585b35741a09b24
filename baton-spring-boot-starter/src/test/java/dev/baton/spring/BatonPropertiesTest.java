package dev.baton.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.client.BatonClient;
import dev.baton.dashboard.Dashboard;
import dev.baton.server.BatonServerConfig;
import dev.baton.storage.JobStorage;
import dev.baton.storage.jdbc.JdbcStorage;
import dev.baton.storage.memory.InMemoryStorage;
import dev.baton.storage.redis.RedisStorage;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Properties bind onto Baton's builders; what Baton refuses fails the start naming the property.
 */
class BatonPropertiesTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(BatonAutoConfiguration.class))
          .withPropertyValues("baton.server.enabled=false");

  @Test
  void withoutDataSourceTheStorageIsInMemory() {
    runner.run(
        ctx -> {
          assertThat(ctx).hasNotFailed();
          assertThat(ctx.getBean(JobStorage.class)).isInstanceOf(InMemoryStorage.class);
          assertThat(ctx).hasSingleBean(BatonClient.class);
          assertThat(ctx).doesNotHaveBean(BatonServerLifecycle.class);
        });
  }

  @Test
  void serverSettingsBindOntoTheConfig() {
    runner
        .withPropertyValues(
            "baton.server.server-id=app-1",
            "baton.server.queues=critical,default",
            "baton.server.workers=3",
            "baton.server.heartbeat-interval=500ms",
            "baton.server.server-timeout=4s",
            "baton.server.shutdown-grace=0s",
            "baton.server.claim-batch-size=7",
            "baton.server.retention=2h",
            "baton.server.interrupt-on-cancel=true",
            "baton.server.unknown-type-grace=0s",
            "baton.server.stats=false")
        .run(
            ctx -> {
              BatonServerConfig c = ctx.getBean(BatonServerConfig.class);
              assertThat(c.serverId()).isEqualTo("app-1");
              assertThat(c.queues()).containsExactly("critical", "default");
              assertThat(c.workers()).isEqualTo(3);
              assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofMillis(500));
              assertThat(c.serverTimeout()).isEqualTo(Duration.ofSeconds(4));
              assertThat(c.shutdownGrace()).isZero();
              assertThat(c.claimBatchSize()).isEqualTo(7);
              assertThat(c.retention()).isEqualTo(Duration.ofHours(2));
              assertThat(c.interruptOnCancel()).isTrue();
              assertThat(c.unknownTypeGrace()).isZero();
              assertThat(c.stats()).isFalse();
            });
  }

  @Test
  void theDefaultsAreBatonsOwn() {
    runner.run(
        ctx -> {
          BatonServerConfig bound = ctx.getBean(BatonServerConfig.class);
          BatonServerConfig baton = BatonServerConfig.defaults();
          assertThat(bound.toString().replaceFirst("serverId=[^,]*", ""))
              .isEqualTo(baton.toString().replaceFirst("serverId=[^,]*", ""));
          BatonProperties.Client client = new BatonProperties().getClient();
          assertThat(client.getMaxArgumentBytes())
              .isEqualTo(BatonClient.DEFAULT_MAX_ARGUMENT_BYTES);
          assertThat(client.getDeleteRetention()).isEqualTo(BatonClient.DEFAULT_DELETE_RETENTION);
          BatonProperties.Redis redis = new BatonProperties().getStorage().getRedis();
          assertThat(redis.getUri()).isEqualTo(RedisStorage.Builder.DEFAULT_URI);
          assertThat(redis.getNamespace()).isEqualTo(RedisStorage.Builder.DEFAULT_NAMESPACE);
          assertThat(redis.getCommandTimeout())
              .isEqualTo(RedisStorage.Builder.DEFAULT_COMMAND_TIMEOUT);
        });
  }

  @Test
  void aBadServerValueFailsTheStartNamingTheProperty() {
    runner
        .withPropertyValues("baton.server.workers=0")
        .run(
            ctx ->
                assertThat(ctx)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("baton.server.workers")
                    .hasMessageContaining("workers must be 1 to"));
    runner
        .withPropertyValues("baton.server.heartbeat-interval=5s")
        .run(
            ctx ->
                assertThat(ctx)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("baton.server.server-timeout")
                    .hasMessageContaining("heartbeatInterval"));
    runner
        .withPropertyValues("baton.server.queues=Bad Queue")
        .run(
            ctx ->
                assertThat(ctx)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("baton.server.queues"));
  }

  @Test
  void aBadDashboardPathOrStorageTypeFailsNamingTheProperty() {
    runner
        .withPropertyValues("baton.dashboard.path=baton")
        .run(
            ctx ->
                assertThat(ctx)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("baton.dashboard.path"));
    runner
        .withPropertyValues("baton.storage.type=mongo")
        .run(ctx -> assertThat(ctx).getFailure().hasStackTraceContaining("baton.storage.type"));
  }

  @Test
  void theDashboardPathIsConfigurableAndTheDashboardCanBeOff() {
    WebApplicationContextRunner web =
        new WebApplicationContextRunner()
            .withConfiguration(
                AutoConfigurations.of(
                    BatonAutoConfiguration.class, BatonDashboardAutoConfiguration.class))
            .withPropertyValues("baton.server.enabled=false");
    web.withPropertyValues("baton.dashboard.path=/ops/jobs")
        .run(
            ctx ->
                assertThat(
                        ctx.getBean("batonDashboardServlet", ServletRegistrationBean.class)
                            .getUrlMappings())
                    .containsExactly("/ops/jobs/*"));
    web.withPropertyValues("baton.dashboard.enabled=false")
        .run(ctx -> assertThat(ctx).doesNotHaveBean(Dashboard.class));
  }

  @Test
  void twoDataSourcesAndNonePrimaryFailInsteadOfGuessing() {
    runner
        .withBean(
            "a", javax.sql.DataSource.class, () -> new DriverManagerDataSource(Pg.URL, Pg.USER, ""))
        .withBean(
            "b", javax.sql.DataSource.class, () -> new DriverManagerDataSource(Pg.URL, Pg.USER, ""))
        .run(ctx -> assertThat(ctx).getFailure().hasStackTraceContaining("mark one @Primary"));
  }

  @Test
  void redisPropertiesReachTheRedisStorage() {
    runner
        .withPropertyValues(
            "baton.storage.type=redis",
            "baton.storage.redis.uri=redis://127.0.0.1:6379/12",
            "baton.storage.redis.namespace=props-test")
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed();
              RedisStorage storage = ctx.getBean(RedisStorage.class);
              assertThat(storage.namespace()).contains("props-test");
              assertThat(storage.now()).isNotNull();
            });
  }

  @Test
  void jdbcUsesTheApplicationsDataSourceOrItsOwnUrl() {
    String schema = Pg.freshSchema();
    runner
        .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
        .withPropertyValues(Pg.appDataSource(schema))
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed();
              assertThat(ctx.getBean(JobStorage.class)).isInstanceOf(JdbcStorage.class);
              assertThat(ctx.getBean(JobStorage.class).now()).isNotNull();
              new org.springframework.jdbc.core.JdbcTemplate(
                      ctx.getBean(javax.sql.DataSource.class))
                  .execute("DROP SCHEMA " + schema + " CASCADE");
            });
    runner
        .withPropertyValues(
            "baton.storage.type=jdbc",
            "baton.storage.jdbc.url=jdbc:h2:mem:props;MODE=PostgreSQL;DB_CLOSE_DELAY=-1")
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed();
              assertThat(ctx.getBean(JobStorage.class)).isInstanceOf(JdbcStorage.class);
            });
    runner
        .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
        .withPropertyValues("spring.datasource.url=jdbc:h2:mem:nomode")
        .run(ctx -> assertThat(ctx).getFailure().hasStackTraceContaining("add ;MODE=PostgreSQL"));
  }
}
