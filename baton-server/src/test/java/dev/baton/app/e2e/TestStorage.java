package dev.baton.app.e2e;

import dev.baton.storage.JobStorage;
import dev.baton.storage.jdbc.JdbcStorage;
import dev.baton.storage.memory.InMemoryStorage;
import dev.baton.storage.redis.RedisStorage;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The storages the browser tests run against, each one test's own: a fresh H2 directory, a fresh
 * PostgreSQL schema or a fresh Redis namespace, removed again on close.
 */
enum TestStorage {
  MEMORY,
  H2,
  POSTGRES,
  REDIS;

  static final String POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/test";
  static final String POSTGRES_USER = "postgres";
  static final String REDIS_URI = "redis://127.0.0.1:6379";

  /** One opened storage and how to clean up after it. */
  interface Opened extends AutoCloseable {
    JobStorage storage();

    @Override
    void close();
  }

  /** Opens a fresh, empty storage of this kind; H2 keeps its files under {@code dir}. */
  Opened open(Path dir) {
    String unique = "e2e_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    return switch (this) {
      case MEMORY -> opened(new InMemoryStorage(), () -> {});
      case H2 -> opened(JdbcStorage.h2File(dir.resolve(unique)).build(), () -> {});
      case POSTGRES ->
          opened(
              JdbcStorage.postgres(POSTGRES_URL)
                  .user(POSTGRES_USER)
                  .schema(unique)
                  .poolSize(4)
                  .build(),
              () -> dropSchema(unique));
      case REDIS ->
          opened(
              RedisStorage.builder().uri(REDIS_URI).namespace(unique).build(),
              () -> deleteNamespace(unique));
    };
  }

  private static Opened opened(JobStorage storage, Runnable cleanup) {
    return new Opened() {
      @Override
      public JobStorage storage() {
        return storage;
      }

      @Override
      public void close() {
        try {
          storage.close();
        } finally {
          cleanup.run();
        }
      }
    };
  }

  private static void dropSchema(String schema) {
    try (Connection c = DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, "");
        Statement s = c.createStatement()) {
      // The name is ours (e2e_ and hex digits), never input.
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop test schema " + schema, e);
    }
  }

  private static void deleteNamespace(String namespace) {
    RedisClient client = RedisClient.create(REDIS_URI);
    try (StatefulRedisConnection<String, String> conn = client.connect()) {
      ScanArgs match = ScanArgs.Builder.matches("{" + namespace + "}:*").limit(1000);
      ScanIterator.scan(conn.sync(), match).stream().forEach(k -> conn.sync().del(k));
    } finally {
      client.shutdown();
    }
  }
}
