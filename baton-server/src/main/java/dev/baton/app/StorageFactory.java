package dev.baton.app;

import dev.baton.app.AppOptions.StorageKind;
import dev.baton.storage.JobStorage;
import dev.baton.storage.memory.InMemoryStorage;

/**
 * Opens the storage the command line asks for. The one place that knows every storage module, so
 * adding one is a line here.
 */
final class StorageFactory {
  /**
   * The storage used without {@code --storage}. TODO(jdbc): H2 file storage in ./baton-data once
   * baton-jdbc has it: set this to {@link StorageKind#H2}.
   */
  static final StorageKind DEFAULT_STORAGE = StorageKind.MEMORY;

  private StorageFactory() {}

  static JobStorage open(AppOptions options) {
    return switch (options.storage()) {
      case MEMORY -> new InMemoryStorage();
      // TODO(jdbc): H2 file storage in options.dataDir(); PostgreSQL at options.jdbcUrl().
      case H2, POSTGRES -> throw notYet(options.storage(), "baton-jdbc");
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
