package dev.baton.storage.jdbc;

import java.sql.SQLException;
import java.util.Locale;
import java.util.Set;

/** What differs between the two supported databases; everything else is shared SQL. */
enum Dialect {
  POSTGRES("postgres", "uuid", "varchar", "SELECT clock_timestamp()", true),
  H2("h2", "UUID", "VARCHAR", "SELECT CURRENT_TIMESTAMP", false);

  /**
   * SQLSTATEs after which the whole transaction is simply run again: serialization failure,
   * deadlock, lock timeout (H2 reports lock timeouts as HYT00, PostgreSQL as 55P03), and a unique
   * violation: two transactions inserted the same key at once, and the rerun sees the winner.
   */
  private static final Set<String> RETRYABLE = Set.of("40001", "40P01", "55P03", "HYT00", "23505");

  final String resourceDir;
  final String uuidArrayType;
  final String varcharArrayType;
  final String clockQuery;
  final boolean pushNotifications;

  Dialect(
      String resourceDir,
      String uuidArrayType,
      String varcharArrayType,
      String clockQuery,
      boolean pushNotifications) {
    this.resourceDir = resourceDir;
    this.uuidArrayType = uuidArrayType;
    this.varcharArrayType = varcharArrayType;
    this.clockQuery = clockQuery;
    this.pushNotifications = pushNotifications;
  }

  /** The schema name as the database stores an unquoted identifier. */
  String normalize(String identifier) {
    return this == H2 ? identifier.toUpperCase(Locale.ROOT) : identifier.toLowerCase(Locale.ROOT);
  }

  static boolean isRetryable(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s
          && s.getSQLState() != null
          && RETRYABLE.contains(s.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  /** Connection-class failures (08xxx), or the pool could not hand out a connection in time. */
  static boolean isConnectionLoss(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s
          && s.getSQLState() != null
          && s.getSQLState().startsWith("08")) {
        return true;
      }
      if (t instanceof java.sql.SQLTransientConnectionException) {
        return true;
      }
    }
    return false;
  }
}
