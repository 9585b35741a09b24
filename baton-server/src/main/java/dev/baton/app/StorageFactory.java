package dev.baton.app;

import dev.baton.app.AppOptions.StorageKind;
import dev.baton.storage.JobStorage;
import dev.baton.storage.jdbc.JdbcStorage;
import dev.baton.storage.memory.InMemoryStorage;
import dev.baton.storage.redis.RedisStorage;

/**
 * Opens the storage the command line asks for. The one place that knows every storage module, so
 * adding one is a line here.
 */
final class StorageFactory {
  /** The storage used without {@code --storage}: H2 files in ./baton-data, survives restarts. */
  static final StorageKind DEFAULT_STORAGE = StorageKind.H2;

  private StorageFactory() {}

  static JobStorage open(AppOptions options) {
    return switch (options.storage()) {
      case MEMORY -> new InMemoryStorage();
      case H2 -> JdbcStorage.h2File(options.dataDir()).build();
      case POSTGRES -> JdbcStorage.postgres(options.jdbcUrl()).build();
      case REDIS -> RedisStorage.builder().uri(options.redisUrl()).build();
    };
  }

  /** What the app prints about the storage it runs on. */
  static String describe(AppOptions options) {
    return switch (options.storage()) {
      case MEMORY -> "in-memory (jobs are lost when the process ends)";
      case H2 -> "H2 file database in " + options.dataDir().toAbsolutePath();
      case POSTGRES -> "PostgreSQL at " + withoutSecrets(options.jdbcUrl());
      case REDIS -> "Redis at " + withoutSecrets(options.redisUrl());
    };
  }

  /** The URL without its query (JDBC parameters) and user info (Redis passwords). */
  private static String withoutSecrets(String url) {
    String noQuery = url.replaceFirst("\\?.*$", "");
    return noQuery.replaceFirst("//[^/@]*@", "//");
  }
}
