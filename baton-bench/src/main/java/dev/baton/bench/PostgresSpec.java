package dev.baton.bench;

import dev.baton.storage.JobStorage;
import dev.baton.storage.jdbc.JdbcStorage;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * PostgreSQL at {@code --jdbc-url}, in schema {@code baton_bench} (or the one the environment
 * variable {@code BATON_BENCH_SCHEMA} names, which server processes inherit; dropped by {@link
 * #reset}). Tuned: a pool of 16 and {@code synchronousCommit(false)}.
 */
final class PostgresSpec implements StorageSpec {
  static final String SCHEMA = System.getenv().getOrDefault("BATON_BENCH_SCHEMA", "baton_bench");

  private final String url;
  private final String user;

  PostgresSpec(BenchOptions options) {
    this.url = options.jdbcUrl();
    this.user = options.user();
  }

  @Override
  public String name() {
    return "postgres";
  }

  @Override
  public String describe() {
    return "PostgreSQL at " + url + " (schema " + SCHEMA + ")";
  }

  @Override
  public void reset() {
    try (Connection c = DriverManager.getConnection(url, user, "");
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot reset schema " + SCHEMA + " at " + url, e);
    }
  }

  @Override
  public JobStorage open(Profile profile) {
    var builder = JdbcStorage.postgres(url).user(user).schema(SCHEMA);
    if (profile == Profile.TUNED) {
      builder.poolSize(16).synchronousCommit(false);
    }
    return builder.build();
  }
}
