package dev.baton.storage.jdbc;

import dev.baton.storage.JobStorage;
import dev.baton.tck.StorageFixture;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A fresh schema in database {@code test} on the local PostgreSQL, dropped on close. */
final class PostgresFixture implements StorageFixture {
  static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";
  static final String USER = "postgres";

  final String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  private final List<JdbcStorage> opened = new ArrayList<>();

  /**
   * Independent clients up to {@value #MAX_CLIENTS}, then the existing ones again in turn: a
   * stampede of a hundred clients must not exhaust the shared server's connection limit.
   */
  static final int MAX_CLIENTS = 8;

  private int handedOut;

  @Override
  public JobStorage newStorage() {
    synchronized (opened) {
      if (opened.size() >= MAX_CLIENTS) {
        return opened.get(handedOut++ % opened.size());
      }
    }
    return kitClient();
  }

  JdbcStorage open() {
    return register(builder().build());
  }

  /**
   * A kit client: call timeouts shorter than the defaults (longest call 3 s, not 5 s), so the kit's
   * servers need a server timeout of 4.1 s, not 6.7 s (see ServerSuite). Not shorter: the driver's
   * socket timeout equals the statement timeout, and on a loaded CI machine a finish in the
   * admission hammer, queued behind the permit-row locks of eight threads, once took over 1 s.
   */
  private JdbcStorage kitClient() {
    return register(
        builder()
            .connectionTimeout(Duration.ofSeconds(1))
            .statementTimeout(Duration.ofSeconds(2))
            .build());
  }

  /** Closes {@code storage} with the fixture. */
  JdbcStorage register(JdbcStorage storage) {
    synchronized (opened) {
      opened.add(storage);
    }
    return storage;
  }

  JdbcStorageBuilder builder() {
    return JdbcStorage.postgres(URL).user(USER).schema(schema).poolSize(4);
  }

  @Override
  public boolean independentClients() {
    return true;
  }

  static Connection connect() throws SQLException {
    return DriverManager.getConnection(URL, USER, "");
  }

  @Override
  public void close() {
    synchronized (opened) {
      opened.forEach(JdbcStorage::close);
      opened.clear();
    }
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop test schema " + schema, e);
    }
  }
}
