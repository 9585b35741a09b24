package dev.baton.spring;

import java.util.UUID;

/** The local PostgreSQL the tests share: database {@code spring_test}, a fresh schema per test. */
final class Pg {
  static final String URL = "jdbc:postgresql://127.0.0.1:5432/spring_test";
  static final String USER = "postgres";

  private Pg() {}

  static String freshSchema() {
    return "s_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  /** Properties for the application's DataSource on spring_test and Baton's tables in a schema. */
  static String[] appDataSource(String schema) {
    return new String[] {
      "spring.datasource.url=" + URL,
      "spring.datasource.username=" + USER,
      "spring.datasource.hikari.maximum-pool-size=4",
      "baton.storage.jdbc.schema=" + schema,
      "baton.storage.jdbc.pool-size=3"
    };
  }
}
