package dev.baton.spring;

import dev.baton.client.BatonClient;
import dev.baton.concurrency.BatonLocks;
import dev.baton.server.BatonServerConfig;
import dev.baton.storage.JobStorage;
import dev.baton.storage.memory.InMemoryStorage;
import javax.sql.DataSource;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;
import org.springframework.util.ClassUtils;

/**
 * Baton from {@code baton.*} properties: the storage, the client, the server (started and stopped
 * with the context), handler beans, {@link Recurring} methods and {@link BatonLock} methods. Every
 * bean backs off when the application defines its own.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
      "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration"
    })
@EnableConfigurationProperties(BatonProperties.class)
public class BatonAutoConfiguration {
  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(BatonAutoConfiguration.class);
  private static final boolean JDBC_PRESENT =
      ClassUtils.isPresent("dev.baton.storage.jdbc.JdbcStorage", null);
  private static final boolean TX_PRESENT =
      ClassUtils.isPresent(
              "org.springframework.transaction.support.TransactionSynchronizationManager", null)
          && ClassUtils.isPresent("org.springframework.jdbc.datasource.DataSourceUtils", null);

  /** The storage {@code baton.storage.type} names (closed with the context). */
  @Bean
  @ConditionalOnMissingBean(JobStorage.class)
  public JobStorage batonStorage(
      BatonProperties properties, ObjectProvider<DataSource> dataSource) {
    BatonProperties.Storage p = properties.getStorage();
    BatonProperties.StorageType type = p.getType();
    DataSource ds = dataSource.getIfUnique();
    if (ds == null && p.getJdbc().getUrl() == null && dataSource.stream().findAny().isPresent()) {
      // Several DataSources and none @Primary: guessing would put the jobs in the wrong database.
      throw new IllegalStateException(
          "Baton cannot tell which of the application's DataSources to use: mark one @Primary,"
              + " or set baton.storage.jdbc.url (or baton.storage.type=redis|memory)");
    }
    if (type == null) {
      type =
          JDBC_PRESENT && (ds != null || p.getJdbc().getUrl() != null)
              ? BatonProperties.StorageType.JDBC
              : BatonProperties.StorageType.MEMORY;
      log.info(
          "Baton storage: {} (baton.storage.type not set; {})",
          type.name().toLowerCase(java.util.Locale.ROOT),
          type == BatonProperties.StorageType.JDBC
              ? "the application's DataSource"
              : "no DataSource, so nothing survives a restart");
    }
    return switch (type) {
      case MEMORY -> new InMemoryStorage();
      case JDBC -> {
        if (!JDBC_PRESENT) {
          throw new IllegalStateException(
              "baton.storage.type=jdbc needs dev.baton:baton-jdbc on the classpath");
        }
        yield JdbcStorages.create(p.getJdbc(), ds);
      }
      case REDIS -> {
        if (!ClassUtils.isPresent("dev.baton.storage.redis.RedisStorage", null)) {
          throw new IllegalStateException(
              "baton.storage.type=redis needs dev.baton:baton-redis on the classpath");
        }
        yield RedisStorages.create(p.getRedis());
      }
    };
  }

  /**
   * The client. On the JDBC storage over the application's own DataSource, an enqueue inside a
   * Spring transaction writes through that transaction's connection (see {@link
   * TransactionalEnqueue}).
   */
  @Bean
  @ConditionalOnMissingBean
  public BatonClient batonClient(
      JobStorage storage, BatonProperties properties, ObjectProvider<DataSource> dataSource) {
    JobStorage enqueueVia = storage;
    DataSource ds = dataSource.getIfUnique();
    if (JDBC_PRESENT
        && TX_PRESENT
        && ds != null
        && properties.getClient().isJoinTransactions()
        && properties.getStorage().getJdbc().getUrl() == null) {
      enqueueVia = JdbcStorages.joiningTransactions(storage, ds);
    }
    return properties.getClient().applyTo(BatonClient.builder(enqueueVia)).build();
  }

  /** The validated server configuration, its server id fixed for this context. */
  @Bean
  @ConditionalOnMissingBean
  public BatonServerConfig batonServerConfig(BatonProperties properties) {
    return properties.getServer().toConfig();
  }

  /** Starts and stops the server with the context. */
  @Bean
  @ConditionalOnBooleanProperty(name = "baton.server.enabled", matchIfMissing = true)
  public BatonServerLifecycle batonServerLifecycle(
      JobStorage storage,
      BatonClient client,
      BatonServerConfig config,
      ListableBeanFactory beans,
      RecurringMethods recurring) {
    return new BatonServerLifecycle(storage, client, config, beans, recurring);
  }

  /** Collects {@link Recurring} methods. */
  @Bean
  @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
  public static RecurringMethods batonRecurringMethods() {
    return new RecurringMethods();
  }

  /** Locks for application code, held as this instance's server id. */
  @Bean
  @ConditionalOnMissingBean
  public BatonLocks batonLocks(BatonClient client, BatonServerConfig config) {
    return client.locks(config.serverId());
  }

  /** The fencing token of the {@link BatonLock} method running on the current thread. */
  @Bean
  @ConditionalOnMissingBean
  public BatonLockContext batonLockContext() {
    return new BatonLockContext();
  }

  /** Proxies beans with {@link BatonLock} methods. */
  @Bean
  @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
  public static BatonLockPostProcessor batonLockPostProcessor(
      ObjectProvider<BatonLocks> locks, ObjectProvider<BatonLockContext> context) {
    return new BatonLockPostProcessor(locks::getObject, context::getObject);
  }
}
