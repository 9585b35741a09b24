package dev.baton.dashboard;

/** Tells a storage that cannot be reached from a bug, by the causes of a failure. */
final class StorageFailures {
  private StorageFailures() {}

  static boolean isUnavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String name = t.getClass().getName();
      if (t instanceof java.sql.SQLTransientException
          || t instanceof java.sql.SQLRecoverableException
          || t instanceof java.sql.SQLNonTransientConnectionException
          || t instanceof java.net.ConnectException
          || name.contains("RedisConnection")
          || name.contains("RedisCommandTimeout")
          || name.contains("PoolInitialization")) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
