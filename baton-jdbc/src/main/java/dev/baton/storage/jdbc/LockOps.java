package dev.baton.storage.jdbc;

import dev.baton.storage.LockLease;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Named locks. A row outlives its holder (released = true) so that fencing tokens keep increasing
 * across acquisitions; a lock is free when {@code locked_until} has passed.
 */
final class LockOps {
  private static final String INSERT =
      """
      INSERT INTO baton_locks (name, owner, token, acquired_at, locked_until, released)
      VALUES (?, ?, 1, ?, ?, FALSE) ON CONFLICT DO NOTHING
      """;
  private static final String LOCK =
      "SELECT owner, token, acquired_at, locked_until, released FROM baton_locks WHERE name = ? FOR UPDATE";
  private static final String TAKE =
      """
      UPDATE baton_locks SET owner = ?, token = token + 1, acquired_at = ?, locked_until = ?,
        released = FALSE
      WHERE name = ?
      """;
  private static final String EXTEND = "UPDATE baton_locks SET locked_until = ? WHERE name = ?";
  private static final String RELEASE =
      "UPDATE baton_locks SET locked_until = ?, released = TRUE WHERE name = ?";
  private static final String HELD =
      """
      SELECT name, owner, token, acquired_at, locked_until FROM baton_locks
      WHERE released = FALSE AND locked_until > ? ORDER BY name
      """;

  private LockOps() {}

  private record Row(
      String owner, long token, Instant acquiredAt, Instant until, boolean released) {}

  private static Row lock(Tx tx, String name) throws SQLException {
    try (PreparedStatement ps = tx.prepare(LOCK)) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        return new Row(
            rs.getString(1),
            rs.getLong(2),
            Sql.instant(rs, 3),
            Sql.instant(rs, 4),
            rs.getBoolean(5));
      }
    }
  }

  static Optional<LockLease> tryLock(Tx tx, String name, String owner, Duration atMost)
      throws SQLException {
    Instant now = tx.now();
    Instant until = now.plus(atMost);
    if (tx.update(INSERT, name, owner, now, until) == 1) {
      return Optional.of(new LockLease(name, owner, 1, now, until));
    }
    Row row = lock(tx, name);
    if (row == null || row.until().isAfter(now)) {
      return Optional.empty();
    }
    tx.update(TAKE, owner, now, until, name);
    return Optional.of(new LockLease(name, owner, row.token() + 1, now, until));
  }

  static Optional<LockLease> extend(Tx tx, String name, long token, Duration atMost)
      throws SQLException {
    Row row = lock(tx, name);
    if (row == null || row.token() != token || row.released()) {
      return Optional.empty();
    }
    Instant until = tx.now().plus(atMost);
    tx.update(EXTEND, until, name);
    return Optional.of(new LockLease(name, row.owner(), token, row.acquiredAt(), until));
  }

  static boolean unlock(Tx tx, String name, long token, Duration atLeast) throws SQLException {
    Row row = lock(tx, name);
    if (row == null || row.token() != token || row.released()) {
      return false;
    }
    Instant now = tx.now();
    Instant minimum = row.acquiredAt().plus(atLeast);
    tx.update(RELEASE, minimum.isAfter(now) ? minimum : now, name);
    return true;
  }

  static List<LockLease> held(Tx tx) throws SQLException {
    List<LockLease> out = new ArrayList<>();
    try (PreparedStatement ps = tx.prepare(HELD)) {
      Sql.bind(ps, tx.now());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new LockLease(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getLong(3),
                  Sql.instant(rs, 4),
                  Sql.instant(rs, 5)));
        }
      }
    }
    return out;
  }
}
