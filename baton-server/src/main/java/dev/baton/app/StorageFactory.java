package dev.baton.app;

import dev.baton.app.AppOptions.StorageKind;
import dev.baton.storage.JobStorage;
import dev.baton.storage.memory.InMemoryStorage;

/**
 * Opens the storage the command line asks for. The one place that knows every storage module, so
 * adding one is a line here.
 */
final class StorageFactory {
  /** The storage used without {@code --storage}: the H2 file storage in ./baton-data. */
  static final StorageKind DEFAULT_STORAGE = StorageKind.H2;

  private StorageFactory() {}

  static JobStorage open(AppOptions options) {
    return switch (options.storage()) {
      case MEMORY -> new InMemoryStorage();
      case H2 -> dev.baton.storage.jdbc.JdbcStorage.h2File(options.dataDir()).build();
      case POSTGRES -> dev.baton.storage.jdbc.JdbcStorage.postgres(options.jdbcUrl()).build();
      // TODO(redis): Redis storage at options.redisUrl().
      case REDIS -> throw notYet(options.storage(), "baton-redis");
    };
  }

  /** What the app prints about the storage it runs on. */
  static String describe(AppOptions options) {
    return switch (options.storage()) {
      case MEMORY -> "in-memory (jobs are lost when the process ends)";
      case H2 -> "H2 file database in " + options.dataDir().toAbsolutePath();
      case POSTGRES -> "PostgreSQL at " + options.jdbcUrl();
      case REDIS -> "Redis at " + options.redisUrl();
    };
  }

  private static IllegalArgumentException notYet(StorageKind kind, String module) {
    return new IllegalArgumentException(
        "--storage="
            + kind.name().toLowerCase(java.util.Locale.ROOT)
            + " is not available in this build yet ("
            + module
            + " has no storage); use --storage=memory");
  }
}
