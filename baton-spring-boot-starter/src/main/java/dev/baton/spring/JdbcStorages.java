package dev.baton.spring;

import com.zaxxer.hikari.HikariDataSource;
import dev.baton.BatonException;
import dev.baton.storage.JobStorage;
import dev.baton.storage.jdbc.JdbcStorage;
import dev.baton.storage.jdbc.JdbcStorageBuilder;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Builds the JDBC storage from {@code baton.storage.jdbc.*} or the application's own DataSource.
 *
 * <p>Baton pools its own connections (HikariCP), so it must not pool over the application's pool:
 * that would hold up to {@code pool-size + 1} of the application's connections for good. When the
 * application's DataSource is a HikariCP pool (Spring Boot's default), Baton opens its own
 * connections to the same database with that pool's URL and credentials; any other DataSource is
 * used as given, which suits an unpooled one.
 */
final class JdbcStorages {
  private JdbcStorages() {}

  static JobStorage create(BatonProperties.Jdbc p, DataSource appDataSource) {
    JdbcStorageBuilder builder;
    if (p.getUrl() != null) {
      builder = byUrl(p.getUrl()).user(p.getUsername()).password(p.getPassword());
    } else if (appDataSource == null) {
      throw new BatonException(
          "baton.storage.type=jdbc needs a DataSource bean or baton.storage.jdbc.url");
    } else if (appDataSource instanceof HikariDataSource hikari && hikari.getJdbcUrl() != null) {
      builder = byUrl(hikari.getJdbcUrl());
      builder.user(hikari.getUsername()).password(hikari.getPassword());
    } else if (isPostgres(appDataSource)) {
      builder = JdbcStorage.postgres(appDataSource);
    } else {
      throw new BatonException(
          "the application's DataSource is not PostgreSQL or a HikariCP pool with a JDBC URL;"
              + " set baton.storage.jdbc.url (PostgreSQL, or H2 with ;MODE=PostgreSQL)");
    }
    if (p.getSchema() != null) {
      builder.schema(p.getSchema());
    }
    return builder.poolSize(p.getPoolSize()).build();
  }

  /** The client's storage: enqueue joins Spring transactions on {@code appDataSource}. */
  static JobStorage joiningTransactions(JobStorage storage, DataSource appDataSource) {
    return storage instanceof JdbcStorage jdbc
        ? TransactionalEnqueue.wrap(jdbc, appDataSource)
        : storage;
  }

  private static JdbcStorageBuilder byUrl(String url) {
    if (url.startsWith("jdbc:postgresql:")) {
      return JdbcStorage.postgres(url);
    }
    if (url.startsWith("jdbc:h2:")) {
      if (!url.toUpperCase().contains("MODE=POSTGRESQL")) {
        throw new BatonException(
            "Baton on H2 needs the database in PostgreSQL mode: add ;MODE=PostgreSQL to '"
                + url
                + "' (spring.datasource.url), or give Baton its own database with"
                + " baton.storage.jdbc.url");
      }
      return JdbcStorage.h2(url);
    }
    throw new BatonException(
        "Baton's JDBC storage runs on PostgreSQL and H2, not on '"
            + url
            + "'; set baton.storage.type=redis or memory, or baton.storage.jdbc.url");
  }

  private static boolean isPostgres(DataSource dataSource) {
    try (Connection c = dataSource.getConnection()) {
      return c.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres");
    } catch (SQLException e) {
      throw new BatonException("cannot reach the application's DataSource: " + e, e);
    }
  }
}
