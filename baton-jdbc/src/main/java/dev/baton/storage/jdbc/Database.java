package dev.baton.storage.jdbc;

import dev.baton.BatonException;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each storage operation as one transaction on a pooled connection: the work, then the batched
 * history rows, then the notifications (which PostgreSQL delivers only after the commit), then the
 * commit. Deadlocks, serialization failures and lock timeouts run the whole transaction again;
 * anything else becomes a {@link BatonException} that says what failed.
 */
final class Database {
  private static final Logger log = LoggerFactory.getLogger(Database.class);
  private static final int MAX_TRIES = 8;

  /** The work of one transaction. */
  interface Work<T> {
    T run(Tx tx) throws SQLException;
  }

  final DataSource dataSource;
  final Dialect dialect;
  final String schema;
  final Notifications notifications;
  private final String description;

  /** PostgreSQL: claims commit without waiting for the WAL flush unless this is set. */
  final boolean durableClaims;

  /** Transient conflicts are run again only while a call has not taken this long. */
  private final long retryWindowNanos;

  Database(
      DataSource dataSource,
      Dialect dialect,
      String schema,
      Notifications notifications,
      String description,
      boolean durableClaims,
      java.time.Duration statementTimeout) {
    this.durableClaims = durableClaims;
    this.retryWindowNanos = statementTimeout.toNanos();
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.schema = schema;
    this.notifications = notifications;
    this.description = description;
  }

  <T> T tx(String operation, Work<T> work) {
    long start = System.nanoTime();
    for (int attempt = 1; ; attempt++) {
      try (Connection c = dataSource.getConnection()) {
        T result;
        Tx tx = new Tx(c, dialect);
        tx.attempt = attempt;
        try {
          c.setAutoCommit(false);
          result = work.run(tx);
          tx.flush();
          notifications.beforeCommit(tx);
          c.commit();
        } catch (SQLException | RuntimeException | Error e) {
          rollbackQuietly(c);
          throw e;
        }
        notifications.afterCommit(tx);
        return result;
      } catch (SQLException e) {
        if (retry(e, attempt, start)) {
          log.debug("{}: transient conflict ({}), running it again", operation, e.getMessage());
          backoff(attempt);
          continue;
        }
        throw translate(operation, e);
      }
    }
  }

  /** Whether to run a failed transaction again: a transient conflict, within the retry window. */
  private boolean retry(SQLException e, int attempt, long start) {
    return Dialect.isRetryable(e)
        && attempt < MAX_TRIES
        && System.nanoTime() - start < retryWindowNanos;
  }

  /**
   * Runs {@code work}, a single statement, in auto-commit: the statement is its own transaction, so
   * no BEGIN or COMMIT round trip is added. It must write its history and notifications itself.
   */
  <T> T autocommit(String operation, Work<T> work) {
    long start = System.nanoTime();
    for (int attempt = 1; ; attempt++) {
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(true);
        return work.run(new Tx(c, dialect));
      } catch (SQLException e) {
        if (retry(e, attempt, start)) {
          log.debug("{}: transient conflict ({}), running it again", operation, e.getMessage());
          backoff(attempt);
          continue;
        }
        throw translate(operation, e);
      }
    }
  }

  /** Runs {@code work} on the application's own connection, inside its transaction. */
  <T> T onConnection(Connection c, String operation, Work<T> work) {
    try {
      String before = c.getSchema();
      if (schema != null) {
        c.setSchema(schema);
      }
      try {
        Tx tx = new Tx(c, dialect);
        tx.external = true;
        T result = work.run(tx);
        tx.flush();
        notifications.beforeCommit(tx);
        return result;
      } finally {
        if (schema != null && before != null) {
          c.setSchema(before);
        }
      }
    } catch (SQLException e) {
      throw translate(operation, e);
    }
  }

  BatonException translate(String operation, SQLException e) {
    if (Dialect.isConnectionLoss(e)) {
      return new BatonException(
          description
              + ": "
              + operation
              + " failed, the database cannot be reached ("
              + e.getMessage()
              + "). Nothing was changed; the call may be retried once the database is back.",
          e);
    }
    return new BatonException(
        description
            + ": "
            + operation
            + " failed: "
            + e.getMessage()
            + " ["
            + e.getSQLState()
            + "]",
        e);
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // The connection is broken; the pool discards it and the transaction is gone anyway.
    }
  }

  private static void backoff(int attempt) {
    try {
      Thread.sleep(Math.min(50, 2L << attempt) + (long) (Math.random() * 5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BatonException("interrupted while retrying a storage transaction", e);
    }
  }
}
