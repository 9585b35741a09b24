package dev.baton.storage.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.baton.BatonException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Builds a {@link JdbcStorage}: where the database is, which schema, and the pool. Every setting
 * has a named default; {@link #build()} validates, connects, migrates the schema and fails with a
 * message that says what to do.
 */
public final class JdbcStorageBuilder {
  /** Connections in the storage's pool (HikariCP). */
  public static final int DEFAULT_POOL_SIZE = 10;

  /** How long an operation waits for a pooled connection, and the start for the first one. */
  public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(2);

  /**
   * The longest one statement may run or wait (for a lock, for the network) before it fails. With
   * the connection timeout, the longest a storage call may block: 5 s by default, below the default
   * server timeout of 8 s with room to spare (a server refuses a storage whose calls could outlast
   * the time in which it must notice that it may have been declared dead).
   */
  public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(3);

  /** How often H2 storages poll for other processes' notifications. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(50);

  /** Where {@link JdbcStorage#h2File()} keeps its data: {@code ./baton-data}. */
  public static final Path DEFAULT_H2_DIRECTORY = Path.of("baton-data");

  /** Schema names: an SQL identifier, letters, digits and underscores, at most 63 characters. */
  public static final Pattern SCHEMA_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

  private final Dialect dialect;
  private final String url;
  private final DataSource dataSource;
  private String user;
  private String password;
  private String schema;
  private int poolSize = DEFAULT_POOL_SIZE;
  private Duration connectionTimeout = DEFAULT_CONNECTION_TIMEOUT;
  private Duration statementTimeout = DEFAULT_STATEMENT_TIMEOUT;
  private Duration pollInterval = DEFAULT_POLL_INTERVAL;
  private boolean synchronousCommit = true;
  private boolean durableClaims;

  JdbcStorageBuilder(Dialect dialect, String url, DataSource dataSource) {
    this.dialect = dialect;
    this.url = url;
    this.dataSource = dataSource;
  }

  /** The schema holding Baton's tables, created if missing. Default: the connection's own. */
  public JdbcStorageBuilder schema(String schema) {
    if (schema == null || !SCHEMA_NAME.matcher(schema).matches()) {
      throw new IllegalArgumentException(
          "schema must match "
              + SCHEMA_NAME
              + " (an unquoted SQL identifier), got '"
              + schema
              + "'");
    }
    this.schema = schema;
    return this;
  }

  public JdbcStorageBuilder user(String user) {
    this.user = user;
    return this;
  }

  public JdbcStorageBuilder password(String password) {
    this.password = password;
    return this;
  }

  /** Pool size, at least 2 (one operation and one notification poll may run at once). */
  public JdbcStorageBuilder poolSize(int poolSize) {
    if (poolSize < 2) {
      throw new IllegalArgumentException("poolSize must be at least 2, got " + poolSize);
    }
    this.poolSize = poolSize;
    return this;
  }

  /**
   * How long an operation waits for a pooled connection (default 2 s), and how long the storage
   * waits for its first connection at start.
   */
  public JdbcStorageBuilder connectionTimeout(Duration timeout) {
    if (timeout == null || timeout.toMillis() < 250) {
      throw new IllegalArgumentException(
          "connectionTimeout must be at least 250 ms, got " + timeout);
    }
    this.connectionTimeout = timeout;
    return this;
  }

  /**
   * The longest one statement may run, wait for a lock or wait for the database's answer before it
   * fails (default 3 s; at least 100 ms). PostgreSQL: {@code statement_timeout} on the storage's
   * connections and, with a URL, the driver's {@code socketTimeout} (whole seconds, rounded up) for
   * a database that stopped answering; H2: its {@code QUERY_TIMEOUT} and {@code LOCK_TIMEOUT}.
   * Conflicts that are run again (deadlocks, serialization failures) are retried only within this
   * time. {@link JdbcStorage#longestCall()} is this plus {@link #connectionTimeout}.
   */
  public JdbcStorageBuilder statementTimeout(Duration timeout) {
    if (timeout == null || timeout.toMillis() < 100) {
      throw new IllegalArgumentException(
          "statementTimeout must be at least 100 ms, got " + timeout);
    }
    this.statementTimeout = timeout;
    return this;
  }

  /** H2 only: the notification poll interval, 10 ms to 500 ms (revocations must arrive in 1 s). */
  public JdbcStorageBuilder pollInterval(Duration interval) {
    if (interval == null || interval.toMillis() < 10 || interval.toMillis() > 500) {
      throw new IllegalArgumentException("pollInterval must be 10..500 ms, got " + interval);
    }
    this.pollInterval = interval;
    return this;
  }

  /**
   * PostgreSQL only: {@code false} sets {@code synchronous_commit = off} on the storage's
   * connections. Each commit then returns before its WAL is flushed, which multiplies throughput on
   * disks with slow fsync, at a price: if the database server itself crashes, the transitions of
   * the last few hundred milliseconds are lost, so a job may run a second time or stay PROCESSING
   * until its server restarts. Process crashes of Baton servers lose nothing either way. Default:
   * true (every transition durable before it is acknowledged).
   */
  public JdbcStorageBuilder synchronousCommit(boolean synchronousCommit) {
    if (!synchronousCommit && dialect != Dialect.POSTGRES) {
      throw new IllegalArgumentException("synchronousCommit(false) is a PostgreSQL setting");
    }
    this.synchronousCommit = synchronousCommit;
    return this;
  }

  /**
   * PostgreSQL only. By default a claim's commit does not wait for its WAL to be flushed to disk
   * ({@code synchronous_commit} is off for the claim transaction only): a claim is a lease, not an
   * outcome. The next durable commit of the database (a job's finish, any create) flushes it too;
   * only if the database server itself crashes within that window (at most 3 × wal_writer_delay,
   * 600 ms by default) is the claim forgotten: the job is ENQUEUED again and may run elsewhere, the
   * first run is cancelled by its server's next heartbeat and its finish is refused by the fencing
   * check (docs/jdbc.md: the same server claiming it again). Creates, finishes and every other
   * transition stay durable. {@code true} makes claims durable as well, at the price of one disk
   * flush per claim. Default: false.
   */
  public JdbcStorageBuilder durableClaims(boolean durableClaims) {
    this.durableClaims = durableClaims;
    return this;
  }

  public JdbcStorage build() {
    if (url != null) {
      requireDriver(dialect, Thread.currentThread().getContextClassLoader(), describe());
      if (dialect == Dialect.H2) {
        requireWritableH2Directory();
      } else {
        refuseAtOnceWhatRetriesCannotFix();
      }
    }
    String normalized = schema == null ? null : dialect.normalize(schema);
    if (dialect == Dialect.H2 && normalized != null && url != null) {
      createH2Schema(normalized);
    }
    HikariDataSource pool = pool(normalized);
    Notifications notifications = null;
    try {
      new SchemaMigrator(pool, dialect, normalized, initSql()).migrate();
      notifications =
          dialect == Dialect.POSTGRES
              ? new PgNotifications(this::listenConnection, normalized == null ? "" : normalized)
              : new PolledNotifications(pool, pollInterval);
      Database db =
          new Database(
              pool,
              dialect,
              normalized,
              notifications,
              describe(),
              durableClaims,
              statementTimeout);
      return new JdbcStorage(db, pool, describe(), longestCall());
    } catch (SQLException e) {
      pool.close();
      throw new BatonException(describe() + ": cannot prepare the schema: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  /**
   * Fails at once, saying which dependency to add, when the dialect's JDBC driver is missing:
   * baton-jdbc declares both drivers optional, and without this check the pool would report "No
   * suitable driver" after its connection timeout as if the database were down.
   */
  static void requireDriver(Dialect dialect, ClassLoader loader, String description) {
    String driver = dialect == Dialect.H2 ? "org.h2.Driver" : "org.postgresql.Driver";
    String artifact =
        dialect == Dialect.H2 ? "com.h2database:h2:2.3.232" : "org.postgresql:postgresql:42.7.5";
    try {
      Class.forName(
          driver, false, loader == null ? JdbcStorageBuilder.class.getClassLoader() : loader);
    } catch (ClassNotFoundException e) {
      String[] gav = artifact.split(":");
      throw new BatonException(
          description
              + ": the "
              + (dialect == Dialect.H2 ? "H2" : "PostgreSQL")
              + " JDBC driver ("
              + driver
              + ") is not on the classpath; baton-jdbc leaves the choice of driver to you. Add "
              + artifact
              + " (or later) to your dependencies: Maven <dependency><groupId>"
              + gav[0]
              + "</groupId><artifactId>"
              + gav[1]
              + "</artifactId><version>"
              + gav[2]
              + "</version></dependency>, Gradle implementation '"
              + artifact
              + "'",
          e);
    }
  }

  /**
   * PostgreSQL: one connection before the pool's, so that what no retry can fix (an unknown
   * database, an unknown role, a wrong password) fails at once with what to do, instead of after
   * the connection timeout as "cannot connect". Anything else (refused, unreachable, still
   * starting) is left to the pool, which retries within the connection timeout.
   */
  private void refuseAtOnceWhatRetriesCannotFix() {
    try (Connection c = listenConnection()) {
      // Reached the database: nothing to report.
    } catch (SQLException e) {
      String state = e.getSQLState() == null ? "" : e.getSQLState();
      if (state.equals("3D000")) {
        throw new BatonException(
            describe()
                + ": the database does not exist ("
                + e.getMessage()
                + "). Create it (CREATE DATABASE …) or fix the database name in the URL.",
            e);
      }
      if (state.startsWith("28")) {
        throw new BatonException(
            describe()
                + ": the database refused the login ("
                + e.getMessage()
                + "). Check the user and password (JdbcStorage.postgres(url).user(..).password(..))"
                + " and pg_hba.conf.",
            e);
      }
    }
  }

  /** H2 file mode: the directory must exist or be creatable, and be writable. */
  private void requireWritableH2Directory() {
    String prefix = "jdbc:h2:file:";
    if (!url.startsWith(prefix)) {
      return;
    }
    String file = url.substring(prefix.length()).split(";", 2)[0];
    Path directory = Path.of(file).toAbsolutePath().getParent();
    try {
      java.nio.file.Files.createDirectories(directory);
    } catch (java.io.IOException | RuntimeException e) {
      throw new BatonException(
          describe()
              + ": cannot create the data directory "
              + directory
              + " ("
              + e
              + "). Choose a directory this process may write (JdbcStorage.h2File(path)).",
          e);
    }
    if (!java.nio.file.Files.isWritable(directory)) {
      throw new BatonException(
          describe()
              + ": the data directory "
              + directory
              + " is not writable by this process. Choose another (JdbcStorage.h2File(path)) or"
              + " fix its permissions.");
    }
  }

  private HikariDataSource pool(String normalizedSchema) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("baton-" + dialect.resourceDir);
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(1);
    // Pooled connections stay in auto-commit mode between transactions: with auto-commit off the
    // pool's own setup (search_path, connection init SQL) would run inside the first transaction
    // and be undone if that transaction rolled back.
    config.setConnectionTimeout(connectionTimeout.toMillis());
    config.setValidationTimeout(Math.max(250, connectionTimeout.toMillis() / 2));
    config.setInitializationFailTimeout(connectionTimeout.toMillis());
    if (normalizedSchema != null) {
      config.setSchema(normalizedSchema);
    }
    config.setConnectionInitSql(initSql());
    if (dialect == Dialect.H2) {
      config.setExceptionOverrideClassName(H2ClosedDatabaseEviction.class.getName());
    }
    if (dataSource != null) {
      config.setDataSource(dataSource);
    } else {
      config.setJdbcUrl(url);
      if (user != null) {
        config.setUsername(user);
      }
      if (password != null) {
        config.setPassword(password);
      }
      driverProperties().forEach((k, v) -> config.addDataSourceProperty((String) k, v));
      if (dialect == Dialect.POSTGRES) {
        // statement_timeout is the server's; this bounds a read from a database that went silent.
        config.addDataSourceProperty("socketTimeout", Long.toString(socketTimeoutSeconds()));
      }
    }
    try {
      return new HikariDataSource(config);
    } catch (RuntimeException e) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      throw new BatonException(
          describe()
              + ": cannot connect ("
              + root.getMessage()
              + "). Check that the database is running and reachable, that the URL is right ("
              + (dialect == Dialect.POSTGRES
                  ? "jdbc:postgresql://host:5432/database"
                  : "jdbc:h2:file:/path/to/baton")
              + ") and that user and password are correct.",
          e);
    }
  }

  /** The session settings of every pooled connection: the statement timeout, commit mode. */
  private String initSql() {
    long ms = statementTimeout.toMillis();
    if (dialect == Dialect.H2) {
      return "SET QUERY_TIMEOUT " + ms + "; SET LOCK_TIMEOUT " + ms;
    }
    return "SET statement_timeout = "
        + ms
        + (synchronousCommit ? "" : "; SET synchronous_commit = off");
  }

  private long socketTimeoutSeconds() {
    return Math.max(1, (statementTimeout.toMillis() + 999) / 1000);
  }

  /** What {@link JdbcStorage#longestCall()} reports: a connection, then one statement. */
  Duration longestCall() {
    Duration statement = statementTimeout;
    if (dialect == Dialect.POSTGRES && url != null) {
      Duration socket = Duration.ofSeconds(socketTimeoutSeconds());
      statement = socket.compareTo(statement) > 0 ? socket : statement;
    }
    return connectionTimeout.plus(statement);
  }

  private Properties driverProperties() {
    Properties p = new Properties();
    if (dialect == Dialect.POSTGRES) {
      // Batched INSERTs become multi-row statements: one round trip for a batch of jobs.
      p.setProperty("reWriteBatchedInserts", "true");
      p.setProperty("tcpKeepAlive", "true");
    }
    return p;
  }

  private Connection listenConnection() throws SQLException {
    if (dataSource != null) {
      return dataSource.getConnection();
    }
    Properties p = driverProperties();
    if (user != null) {
      p.setProperty("user", user);
    }
    if (password != null) {
      p.setProperty("password", password);
    }
    p.setProperty("connectTimeout", Long.toString(Math.max(1, connectionTimeout.toSeconds())));
    return DriverManager.getConnection(url, p);
  }

  private void createH2Schema(String normalized) {
    try (Connection c = DriverManager.getConnection(url, user, password);
        Statement s = c.createStatement()) {
      // The name passed SCHEMA_NAME: the only text ever spliced into SQL.
      s.execute("CREATE SCHEMA IF NOT EXISTS " + normalized);
    } catch (SQLException e) {
      throw new BatonException(describe() + ": cannot open the H2 database: " + e.getMessage(), e);
    }
  }

  String describe() {
    String where = url != null ? url.replaceAll("password=[^;&]*", "password=***") : "a DataSource";
    return (dialect == Dialect.POSTGRES ? "PostgreSQL" : "H2")
        + " storage at "
        + where
        + (schema == null ? "" : ", schema " + schema);
  }

  static String h2Url(Path directory) {
    Objects.requireNonNull(directory, "directory");
    Path file = directory.toAbsolutePath().normalize().resolve("baton");
    // AUTO_SERVER lets several processes on this machine share the file; MODE=PostgreSQL gives the
    // shared SQL (ON CONFLICT DO NOTHING, nextval); a 10 s lock timeout outlasts short conflicts.
    return "jdbc:h2:file:" + file + ";AUTO_SERVER=TRUE;MODE=PostgreSQL;LOCK_TIMEOUT=10000";
  }
}
