package dev.baton.storage.jdbc;

import dev.baton.BatonException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the schema up to {@link #LATEST} from the versioned scripts {@code
 * dev/baton/storage/jdbc/<dialect>/V<n>__baton.sql}, recording each in {@code
 * baton_schema_version}. Two storages starting together do not race: PostgreSQL serializes them
 * with an advisory lock, H2 with a row lock on {@code baton_migration_lock} held on a second
 * connection while the first runs the DDL (H2 commits DDL implicitly). A schema newer than this
 * code stops the start with a clear message.
 *
 * <p>A migration may take far longer than any storage call: an index rebuilt on a jobs table of a
 * million rows, or the wait for another process's migration. It runs without the storage's
 * statement timeout (PostgreSQL: {@code statement_timeout = 0} and no socket timeout on its
 * connection; H2: no {@code QUERY_TIMEOUT} and a lock timeout of {@value #LOCK_WAIT_MILLIS} ms),
 * and its connections go back to the pool with the storage's own session settings.
 */
final class SchemaMigrator {
  private static final Logger log = LoggerFactory.getLogger(SchemaMigrator.class);

  /** The schema version this code writes and reads. */
  static final int LATEST = 6;

  /** Fixed key of the migration advisory lock: "baton" in ASCII. */
  private static final long PG_LOCK_KEY = 0x6261746f6eL;

  /** H2: how long a migration waits for a lock (another process's migration, a busy table). */
  private static final int LOCK_WAIT_MILLIS = 60_000;

  private final DataSource dataSource;
  private final Dialect dialect;
  private final String schema;

  /** The session settings of the storage's connections, restored after the migration. */
  private final String sessionSettings;

  SchemaMigrator(DataSource dataSource, Dialect dialect, String schema, String sessionSettings) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.schema = schema;
    this.sessionSettings = sessionSettings;
  }

  void migrate() throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      withoutTimeouts(c);
      try {
        migrate(c);
      } finally {
        restoreTimeouts(c);
      }
    }
  }

  private void withoutTimeouts(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      if (dialect == Dialect.POSTGRES) {
        s.execute("SET statement_timeout = 0");
        c.setNetworkTimeout(null, 0);
      } else {
        s.execute("SET QUERY_TIMEOUT 0");
        s.execute("SET LOCK_TIMEOUT " + LOCK_WAIT_MILLIS);
      }
    }
  }

  private void restoreTimeouts(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sessionSettings);
    }
  }

  private void migrate(Connection c) throws SQLException {
    if (dialect == Dialect.POSTGRES) {
      try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_lock(?)")) {
        ps.setLong(1, PG_LOCK_KEY);
        ps.executeQuery().close();
      }
      try {
        createSchema(c);
        upgrade(c);
      } finally {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
          ps.setLong(1, PG_LOCK_KEY);
          ps.executeQuery().close();
        }
      }
    } else {
      createSchema(c);
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS baton_migration_lock (id INT PRIMARY KEY)");
        s.execute("INSERT INTO baton_migration_lock VALUES (1) ON CONFLICT DO NOTHING");
      }
      try (Connection lock = dataSource.getConnection()) {
        lock.setAutoCommit(false);
        withoutTimeouts(lock);
        try (Statement s = lock.createStatement()) {
          s.executeQuery("SELECT id FROM baton_migration_lock WHERE id = 1 FOR UPDATE").close();
          upgrade(c);
        } finally {
          lock.rollback();
          // Not the URL's LOCK_TIMEOUT: the pool's next user of this connection (a heartbeat,
          // say) must not wait longer for a lock than the storage's statement timeout.
          restoreTimeouts(lock);
        }
      }
    }
  }

  private void createSchema(Connection c) throws SQLException {
    if (schema == null) {
      return;
    }
    try (Statement s = c.createStatement()) {
      // The name passed JdbcStorageBuilder's identifier check; it is the only text ever spliced in.
      s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
    }
    c.setSchema(schema);
  }

  private void upgrade(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS baton_schema_version (version INT PRIMARY KEY, "
              + "applied_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, "
              + "script VARCHAR(200) NOT NULL)");
    }
    int current = currentVersion(c);
    if (current > LATEST) {
      throw new BatonException(
          "the Baton schema"
              + (schema == null ? "" : " '" + schema + "'")
              + " is at version "
              + current
              + ", newer than this Baton understands (up to "
              + LATEST
              + "). Upgrade Baton on this process to the version the other processes run, or point"
              + " it at another schema.");
    }
    for (int v = current + 1; v <= LATEST; v++) {
      String script = "V" + v + "__baton.sql";
      String text = load(script);
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        for (String statement : split(text)) {
          s.execute(statement);
        }
        try (PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO baton_schema_version (version, script) VALUES (?, ?)")) {
          ps.setInt(1, v);
          ps.setString(2, script);
          ps.executeUpdate();
        }
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
      log.info(
          "Baton schema{} migrated to version {} ({})",
          schema == null ? "" : " " + schema,
          v,
          script);
    }
  }

  private static int currentVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT MAX(version) FROM baton_schema_version")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private String load(String script) {
    String path = "dev/baton/storage/jdbc/" + dialect.resourceDir + "/" + script;
    try (InputStream in = SchemaMigrator.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new BatonException("missing schema script " + path + " on the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new BatonException("cannot read schema script " + path, e);
    }
  }

  /** Splits a script on semicolons that end a line; the scripts hold no procedural code. */
  static List<String> split(String script) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : script.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.startsWith("--") || trimmed.isEmpty()) {
        continue;
      }
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        String stmt = current.toString().strip();
        out.add(stmt.substring(0, stmt.length() - 1));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      out.add(current.toString().strip());
    }
    return out;
  }
}
