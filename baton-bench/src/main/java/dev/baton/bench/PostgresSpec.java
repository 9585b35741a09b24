package dev.baton.bench;

import dev.baton.storage.JobStorage;
import dev.baton.storage.jdbc.JdbcStorage;
import dev.baton.storage.jdbc.JdbcStorageBuilder;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL at {@code --jdbc-url}, in schema {@code baton_bench} (or the one the environment
 * variable {@code BATON_BENCH_SCHEMA} names, which server processes inherit, or {@code --schema};
 * dropped by {@link #reset}). Tuned: a pool of 16 and {@code synchronousCommit(false)}.
 */
final class PostgresSpec implements StorageSpec {
  /** The fast-recovery profile's JDBC call timeouts (see {@link StorageSpec.Profile}). */
  static final java.time.Duration FAST_CONNECT = java.time.Duration.ofMillis(250);

  static final java.time.Duration FAST_STATEMENT = java.time.Duration.ofMillis(750);

  static final String SCHEMA = System.getenv().getOrDefault("BATON_BENCH_SCHEMA", "baton_bench");

  private final String url;
  private final String user;
  private final String schema;

  PostgresSpec(BenchOptions options) {
    this.url = options.jdbcUrl();
    this.user = options.user();
    this.schema = options.schema() == null ? SCHEMA : options.schema();
    if (!JdbcStorageBuilder.SCHEMA_NAME.matcher(schema).matches()) {
      throw new IllegalArgumentException(
          "--schema must match " + JdbcStorageBuilder.SCHEMA_NAME + ", got '" + schema + "'");
    }
  }

  @Override
  public String name() {
    return "postgres";
  }

  @Override
  public String describe() {
    return "PostgreSQL at " + url + " (schema " + schema + ")";
  }

  @Override
  public void reset() {
    try (Connection c = DriverManager.getConnection(url, user, "");
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot reset schema " + schema + " at " + url, e);
    }
  }

  /** Counted with SQL: above 100,000 the storage's own count is the planner's estimate. */
  @Override
  public long succeeded(JobStorage storage) {
    try (Connection c = DriverManager.getConnection(url, user, "");
        Statement s = c.createStatement();
        java.sql.ResultSet rs =
            s.executeQuery(
                "SELECT COUNT(*) FROM " + schema + ".baton_jobs WHERE state = 'SUCCEEDED'")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot count SUCCEEDED jobs in schema " + schema, e);
    }
  }

  @Override
  public void settle() {
    try (Connection c = DriverManager.getConnection(url, user, "");
        Statement s = c.createStatement()) {
      for (String table : tables(c)) {
        s.execute("VACUUM ANALYZE " + schema + "." + table);
      }
      s.execute("CHECKPOINT");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot vacuum schema " + schema, e);
    }
  }

  @Override
  public String dataSize() {
    StringBuilder text = new StringBuilder();
    try (Connection c = DriverManager.getConnection(url, user, "");
        PreparedStatement p = c.prepareStatement(SIZES)) {
      p.setString(1, schema);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          text.append(text.isEmpty() ? "" : ", ")
              .append(rs.getString(1))
              .append(" ")
              .append(rs.getString(2))
              .append(" (~")
              .append(String.format(java.util.Locale.ROOT, "%,d", rs.getLong(3)))
              .append(" rows)");
        }
      }
    } catch (SQLException e) {
      return "sizes unknown: " + e.getMessage();
    }
    return text.toString();
  }

  /** Tables of the schema, their total size with indexes and TOAST, and estimated rows. */
  private static final String SIZES =
      """
      SELECT c.relname, pg_size_pretty(pg_total_relation_size(c.oid)), c.reltuples::bigint
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ? AND c.relkind = 'r' AND pg_total_relation_size(c.oid) > 65536
      ORDER BY pg_total_relation_size(c.oid) DESC
      """;

  private List<String> tables(Connection c) throws SQLException {
    List<String> tables = new ArrayList<>();
    try (PreparedStatement p =
        c.prepareStatement("SELECT tablename FROM pg_tables WHERE schemaname = ?")) {
      p.setString(1, schema);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
    }
    return tables;
  }

  @Override
  public JobStorage open(Profile profile) {
    var builder = JdbcStorage.postgres(url).user(user).schema(schema);
    if (profile == Profile.TUNED) {
      builder.poolSize(16).synchronousCommit(false);
    } else if (profile == Profile.FAST_RECOVERY) {
      builder.connectionTimeout(FAST_CONNECT).statementTimeout(FAST_STATEMENT);
    }
    return builder.build();
  }
}
