package dev.baton.faults;

import dev.baton.storage.JobStorage;
import dev.baton.storage.jdbc.JdbcStorage;
import dev.baton.storage.redis.RedisStorage;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * One test's storage, fresh and removed on close: a PostgreSQL schema, a Redis namespace, or an H2
 * file in AUTO_SERVER mode. The test JVM opens it first, so for H2 the test JVM hosts the file's
 * TCP server and the server processes are its clients (a paused server process then pauses no one
 * else). {@link #serverArgs(Integer)} tells a server process where it is, directly or through a
 * {@link TcpProxy} on another port.
 */
abstract class Backend implements AutoCloseable {
  enum Kind {
    POSTGRES,
    REDIS,
    H2
  }

  static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";
  static final int REDIS_PORT = 6379;

  final Kind kind;
  final String tag = UUID.randomUUID().toString().replace("-", "").substring(0, 12);

  private Backend(Kind kind) {
    this.kind = kind;
  }

  static Backend open(Kind kind) {
    return switch (kind) {
      case POSTGRES -> new Postgres();
      case REDIS -> new Redis();
      case H2 -> new H2();
    };
  }

  /** The test JVM's own client of the storage (enqueue, read states). */
  abstract JobStorage storage();

  /** The storage's longest call, as a server built on its defaults sees it, or null. */
  java.time.Duration longestCall() {
    return storage() instanceof dev.baton.storage.CallTimeouts t ? t.longestCall() : null;
  }

  /** The loopback TCP port a proxy forwards to. */
  abstract int port();

  /** Storage arguments for {@link FaultServerMain}; {@code viaPort} instead of the real port. */
  abstract List<String> serverArgs(Integer viaPort);

  @Override
  public abstract void close();

  private static final class Postgres extends Backend {
    private final String schema = "faults_" + tag;
    private final JdbcStorage storage;

    Postgres() {
      super(Kind.POSTGRES);
      storage = JdbcStorage.postgres(PG_URL).user("postgres").schema(schema).poolSize(4).build();
    }

    @Override
    JobStorage storage() {
      return storage;
    }

    @Override
    int port() {
      return 5432;
    }

    @Override
    List<String> serverArgs(Integer viaPort) {
      String url = viaPort == null ? PG_URL : PG_URL.replace(":5432/", ":" + viaPort + "/");
      return List.of("storage=postgres", "url=" + url, "schema=" + schema);
    }

    @Override
    public void close() {
      storage.close();
      try (Connection c = DriverManager.getConnection(PG_URL, "postgres", "");
          Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      } catch (SQLException e) {
        throw new IllegalStateException("cannot drop schema " + schema, e);
      }
    }
  }

  private static final class Redis extends Backend {
    private final String namespace = "faults-" + tag;
    private final RedisStorage storage;

    Redis() {
      super(Kind.REDIS);
      storage = RedisStorage.builder().uri(uri(REDIS_PORT)).namespace(namespace).build();
    }

    private static String uri(int port) {
      return "redis://127.0.0.1:" + port;
    }

    @Override
    JobStorage storage() {
      return storage;
    }

    @Override
    int port() {
      return REDIS_PORT;
    }

    @Override
    List<String> serverArgs(Integer viaPort) {
      return List.of(
          "storage=redis",
          "uri=" + uri(viaPort == null ? REDIS_PORT : viaPort),
          "namespace=" + namespace);
    }

    @Override
    public void close() {
      storage.close();
      RedisClient c = RedisClient.create(uri(REDIS_PORT));
      try (StatefulRedisConnection<String, String> conn = c.connect()) {
        ScanArgs match = ScanArgs.Builder.matches("{" + namespace + "}:*").limit(1000);
        ScanIterator.scan(conn.sync(), match).stream().forEach(k -> conn.sync().del(k));
      } finally {
        c.shutdown(Duration.ZERO, Duration.ofSeconds(1));
      }
    }
  }

  /**
   * H2's own multi-process mode: {@code AUTO_SERVER=TRUE} on a file. The first process to open the
   * file (this JVM) serves it over TCP and writes host, port and a key into {@code baton.lock.db};
   * the other processes open the same file URL and H2 connects them to that server. Through a proxy
   * a server process names the server key instead, as H2 does itself after reading the lock file.
   */
  private static final class H2 extends Backend {
    private final Path dir;
    private final JdbcStorage storage;
    private final String fileUrl;

    H2() {
      super(Kind.H2);
      try {
        dir = Files.createTempDirectory("baton-faults-h2-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      fileUrl =
          "jdbc:h2:file:"
              + dir.resolve("baton")
              + ";AUTO_SERVER=TRUE;MODE=PostgreSQL;LOCK_TIMEOUT=10000";
      storage = JdbcStorage.h2(fileUrl).poolSize(4).build();
    }

    private Properties lock() {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(dir.resolve("baton.lock.db"))) {
        p.load(r);
      } catch (IOException e) {
        throw new UncheckedIOException("no H2 lock file in " + dir, e);
      }
      return p;
    }

    @Override
    JobStorage storage() {
      return storage;
    }

    @Override
    int port() {
      String server = lock().getProperty("server");
      return Integer.parseInt(server.substring(server.lastIndexOf(':') + 1));
    }

    @Override
    List<String> serverArgs(Integer viaPort) {
      if (viaPort == null) {
        return List.of("storage=h2", "url=" + fileUrl);
      }
      String key = lock().getProperty("id");
      return List.of(
          "storage=h2",
          "url=jdbc:h2:tcp://127.0.0.1:"
              + viaPort
              + "/"
              + key
              + ";MODE=PostgreSQL;LOCK_TIMEOUT=10000");
    }

    @Override
    public void close() {
      storage.close();
      try (Stream<Path> files = Files.walk(dir)) {
        List<Path> all = new ArrayList<>(files.toList());
        all.sort(Comparator.reverseOrder());
        all.forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
