package dev.baton.examples;

import dev.baton.storage.JobStorage;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A storage of its own for one test: an H2 directory in the test's temp dir, a PostgreSQL schema of
 * database {@code test} (dropped afterwards), or a Redis namespace in DB 11 (its keys deleted
 * afterwards).
 */
final class TestStorage implements AutoCloseable {
  private static final String PG = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
  private static final String REDIS = "redis://127.0.0.1:6379/11";

  final String kind;
  final String url;
  private final String schema;

  private final String namespace;

  private TestStorage(String kind, String url, String schema, String namespace) {
    this.kind = kind;
    this.url = url;
    this.schema = schema;
    this.namespace = namespace;
  }

  /** The storages the tests run on: {@code -Dexamples.storages=h2,postgres,redis}. */
  static Stream<String> kinds() {
    String list = System.getProperty("examples.storages", "h2,postgres");
    return Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty());
  }

  static TestStorage create(String kind, Path dir) {
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    return switch (kind) {
      case "h2" -> new TestStorage(kind, "h2:" + dir.resolve("data"), null, null);
      case "postgres" -> {
        String schema = "examples_" + suffix;
        yield new TestStorage(kind, PG + "&schema=" + schema, schema, null);
      }
      case "redis" -> {
        String namespace = "examples-" + suffix;
        yield new TestStorage(kind, REDIS + "?namespace=" + namespace, null, namespace);
      }
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
    if (namespace != null) {
      RedisClient redis = RedisClient.create(REDIS);
      try (StatefulRedisConnection<String, String> c = redis.connect()) {
        RedisCommands<String, String> commands = c.sync();
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
          KeyScanCursor<String> page =
              commands.scan(cursor, ScanArgs.Builder.matches("{" + namespace + "}*").limit(500));
          if (!page.getKeys().isEmpty()) {
            commands.del(page.getKeys().toArray(String[]::new));
          }
          cursor = page;
        } while (!cursor.isFinished());
      } finally {
        redis.shutdown();
      }
    }
  }

  @Override
  public String toString() {
    return kind;
  }
}
