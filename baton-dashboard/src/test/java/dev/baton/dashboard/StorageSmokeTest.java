package dev.baton.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.dashboard.jdk.DashboardServer;
import dev.baton.storage.JobStorage;
import dev.baton.storage.jdbc.JdbcStorage;
import dev.baton.storage.redis.RedisStorage;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The main GET routes against each real storage: H2, PostgreSQL and Redis. */
class StorageSmokeTest {
  static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";
  static final String REDIS_URI = "redis://127.0.0.1:6379";

  /** A storage and how to clean up after it. */
  interface Fixture extends AutoCloseable {
    JobStorage storage();

    @Override
    void close() throws Exception;
  }

  static Fixture open(String kind) throws IOException {
    switch (kind) {
      case "h2" -> {
        Path dir = Files.createTempDirectory("baton-dashboard-h2-");
        JdbcStorage s = JdbcStorage.h2File(dir).poolSize(2).build();
        return fixture(
            s,
            () -> {
              s.close();
              try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
              }
            });
      }
      case "postgres" -> {
        String schema = "dash_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        JdbcStorage s =
            JdbcStorage.postgres(PG_URL).user("postgres").schema(schema).poolSize(2).build();
        return fixture(
            s,
            () -> {
              s.close();
              try (Connection c = DriverManager.getConnection(PG_URL, "postgres", "");
                  Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
              }
            });
      }
      case "redis" -> {
        String namespace = "dash-" + UUID.randomUUID().toString().substring(0, 8);
        RedisStorage s = RedisStorage.builder().uri(REDIS_URI).namespace(namespace).build();
        return fixture(
            s,
            () -> {
              s.close();
              deleteRedisNamespace(namespace);
            });
      }
      default -> throw new IllegalArgumentException(kind);
    }
  }

  interface Cleanup {
    void run() throws Exception;
  }

  static Fixture fixture(JobStorage storage, Cleanup cleanup) {
    return new Fixture() {
      @Override
      public JobStorage storage() {
        return storage;
      }

      @Override
      public void close() throws Exception {
        cleanup.run();
      }
    };
  }

  static void deleteRedisNamespace(String namespace) {
    RedisClient client = RedisClient.create(REDIS_URI);
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      ScanArgs match = ScanArgs.Builder.matches("{" + namespace + "}:*").limit(1000);
      ScanCursor cursor = ScanCursor.INITIAL;
      do {
        KeyScanCursor<String> page = c.sync().scan(cursor, match);
        if (!page.getKeys().isEmpty()) {
          c.sync().del(page.getKeys().toArray(String[]::new));
        }
        cursor = page;
      } while (!cursor.isFinished());
    } finally {
      client.shutdown();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres", "redis"})
  void mainRoutesAnswer(String kind) throws Exception {
    try (Fixture f = open(kind);
        Dashboard dashboard = Dashboard.builder(f.storage()).jobTypes(TestJobs.ALL).build();
        DashboardServer server =
            DashboardServer.start(dashboard, DashboardServer.Options.builder().port(0).build())) {
      Web web = new Web(server.url());
      Web.Answer created =
          web.post(
              "/api/v1/jobs",
              "{\"type\":\"greet\",\"args\":{\"name\":\"smoke\",\"times\":1},\"queue\":\"smoke\"}");
      assertThat(created.status()).as(kind + ": " + created).isEqualTo(201);
      String id = created.json().get("id").asText();
      web.post("/api/v1/jobs", "{\"type\":\"nothing\",\"delayMs\":600000}");
      for (String path :
          List.of(
              "/api/v1/stats",
              "/api/v1/stats/history?range=24h",
              "/api/v1/jobs",
              "/api/v1/jobs?state=ENQUEUED&queue=smoke&q=smoke&limit=10",
              "/api/v1/jobs/" + id,
              "/api/v1/jobs/" + id + "/logs",
              "/api/v1/servers",
              "/api/v1/queues",
              "/api/v1/recurring",
              "/api/v1/concurrency",
              "/api/v1/locks",
              "/api/v1/job-types",
              "/api/v1/me",
              "/")) {
        Web.Answer a = web.get(path);
        assertThat(a.status()).as(kind + " " + path + ": " + a).isEqualTo(200);
      }
      assertThat(web.get("/api/v1/stats").json().get("enqueued").asLong()).isEqualTo(1);
      assertThat(web.get("/api/v1/jobs?state=ENQUEUED&q=smoke").json().get("items")).hasSize(1);
      assertThat(web.get("/api/v1/jobs/" + id).json().get("args").get("name").asText())
          .isEqualTo("smoke");
      assertThat(web.post("/api/v1/jobs/" + id + "/delete", null).status()).isEqualTo(200);
    }
  }
}
