package dev.baton.examples;

import dev.baton.storage.JobStorage;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A storage of its own for one test: an H2 directory in the test's temp dir, a PostgreSQL schema of
 * database {@code test} (dropped afterwards), or a Redis namespace in DB 11.
 */
final class TestStorage implements AutoCloseable {
  private static final String PG = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

  final String kind;
  final String url;
  private final String schema;

  private TestStorage(String kind, String url, String schema) {
    this.kind = kind;
    this.url = url;
    this.schema = schema;
  }

  /** The storages the tests run on: {@code -Dexamples.storages=h2,postgres,redis}. */
  static Stream<String> kinds() {
    String list = System.getProperty("examples.storages", "h2,postgres");
    return Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty());
  }

  static TestStorage create(String kind, Path dir) {
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    return switch (kind) {
      case "h2" -> new TestStorage(kind, "h2:" + dir.resolve("data"), null);
      case "postgres" -> {
        String schema = "examples_" + suffix;
        yield new TestStorage(kind, PG + "&schema=" + schema, schema);
      }
      case "redis" ->
          new TestStorage(kind, "redis://127.0.0.1:6379/11?namespace=examples-" + suffix, null);
      default -> throw new IllegalArgumentException("unknown storage kind " + kind);
    };
  }

  /** Opens it from the test (first, so that H2's file is hosted and schemas exist). */
  JobStorage open() {
    return ExampleStorage.open(url);
  }

  @Override
  public void close() throws SQLException {
    if (schema != null) {
      try (Connection c = DriverManager.getConnection(PG)) {
        c.createStatement().execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  @Override
  public String toString() {
    return kind;
  }
}
