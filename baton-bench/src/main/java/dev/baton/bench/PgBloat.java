package dev.baton.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Fills the benchmark schema's job table with finished jobs, fast: the SUCCEEDED rows already there
 * are copied under new ids until the table holds the wanted number. Only {@code id} and {@code
 * state} are named, so the copy follows whatever columns the schema has.
 */
final class PgBloat {
  private PgBloat() {}

  /** Returns the number of SUCCEEDED rows afterwards. */
  static long fill(BenchOptions options, String schema, long target) throws SQLException {
    try (Connection c = DriverManager.getConnection(options.jdbcUrl(), options.user(), "");
        Statement s = c.createStatement()) {
      s.execute("SET search_path = " + schema);
      s.execute("SET synchronous_commit = off");
      s.execute(
          "CREATE TEMP TABLE baton_bloat AS SELECT * FROM baton_jobs WHERE state = 'SUCCEEDED'"
              + " LIMIT 50000");
      long rows = count(s);
      if (rows == 0) {
        throw new IllegalStateException("no SUCCEEDED job to copy: run a throughput round first");
      }
      while (rows < target) {
        s.execute("UPDATE baton_bloat SET id = gen_random_uuid()");
        rows += s.executeUpdate("INSERT INTO baton_jobs SELECT * FROM baton_bloat");
      }
      s.execute("VACUUM ANALYZE baton_jobs");
      // The fill and the vacuum leave ~1 GB of WAL and every page of the table dirty: without a
      // checkpoint here, the checkpoint they trigger writes all of it during the measured run.
      s.execute("CHECKPOINT");
      return count(s);
    }
  }

  private static long count(Statement s) throws SQLException {
    try (ResultSet rs =
        s.executeQuery("SELECT count(*) FROM baton_jobs WHERE state = 'SUCCEEDED'")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
