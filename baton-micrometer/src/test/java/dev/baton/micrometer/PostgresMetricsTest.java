package dev.baton.micrometer;

import dev.baton.storage.JobStorage;
import dev.baton.storage.jdbc.JdbcStorage;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;

/** The metrics scenario on PostgreSQL (127.0.0.1:5432, database test), a fresh schema per test. */
class PostgresMetricsTest extends MetricsScenario {
  static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";

  private final String schema =
      "m_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  private JdbcStorage jdbc;

  @Override
  JobStorage newStorage() {
    jdbc = JdbcStorage.postgres(URL).user("postgres").schema(schema).poolSize(4).build();
    return jdbc;
  }

  @AfterEach
  void dropSchema() throws Exception {
    closeServers();
    toClose.clear();
    jdbc.close();
    try (Connection c = DriverManager.getConnection(URL, "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }
}
