package dev.baton.storage.jdbc;

import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.SQLException;

/**
 * Tells the pool that an H2 connection whose database was closed under it is dead. H2 closes an
 * embedded database from its own JVM shutdown hook (it cannot be turned off in {@code AUTO_SERVER}
 * mode), while the application's hook is still closing a Baton server; the pool does not know H2's
 * codes for that and would hand out the dead connections again for seconds, so the jobs the server
 * hands back at shutdown waited that long to be written. Evicted, the next connection opens the
 * file again at once.
 */
public final class H2ClosedDatabaseEviction implements SQLExceptionOverride {
  /**
   * DATABASE_CALLED_AT_SHUTDOWN, DATABASE_IS_CLOSED, CONNECTION_BROKEN_1 (org.h2.api.ErrorCode).
   */
  private static final java.util.Set<Integer> CLOSED = java.util.Set.of(90121, 90098, 90067);

  @java.lang.Override
  public SQLExceptionOverride.Override adjudicate(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && CLOSED.contains(s.getErrorCode())) {
        return SQLExceptionOverride.Override.MUST_EVICT;
      }
    }
    return SQLExceptionOverride.Override.CONTINUE_EVICT;
  }
}
