package dev.baton.storage.jdbc;

import dev.baton.job.JobId;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/** Small JDBC helpers: timestamps as OffsetDateTime in UTC, ids as UUID. */
final class Sql {
  private Sql() {}

  static OffsetDateTime ts(Instant t) {
    return t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
  }

  static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  static JobId jobId(ResultSet rs, String column) throws SQLException {
    UUID u = rs.getObject(column, UUID.class);
    return u == null ? null : new JobId(u);
  }

  static UUID uuid(JobId id) {
    return id == null ? null : id.value();
  }

  static void bind(PreparedStatement ps, Object... params) throws SQLException {
    for (int i = 0; i < params.length; i++) {
      Object p = params[i];
      if (p instanceof Instant t) {
        p = ts(t);
      } else if (p instanceof JobId id) {
        p = id.value();
      }
      if (p == null) {
        ps.setNull(i + 1, java.sql.Types.NULL);
      } else {
        ps.setObject(i + 1, p);
      }
    }
  }
}
