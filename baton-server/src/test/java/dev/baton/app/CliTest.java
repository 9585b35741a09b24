package dev.baton.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.app.cli.BatonCli;
import dev.baton.client.BatonClient;
import dev.baton.client.EnqueueResult;
import dev.baton.job.JobId;
import dev.baton.job.JobType;
import dev.baton.server.BatonServer;
import dev.baton.server.BatonServerConfig;
import dev.baton.state.JobState;
import dev.baton.storage.JobStorage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every {@code baton} client command, in-process through picocli with captured output, in human and
 * {@code --json} form on H2 (a temp directory) and PostgreSQL (a fresh schema), and the exit codes
 * of bad input, not found and an unreachable storage.
 */
class CliTest {
  static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test";
  static final ObjectMapper JSON = new ObjectMapper();

  record Echo(String text) {}

  static final JobType<Echo> ECHO = JobType.of("cli.echo", Echo.class);
  static final JobType<Echo> HOLD =
      JobType.of("cli.hold", Echo.class).withOptions(o -> o.mutex("hold:{text}"));

  @TempDir Path dir;

  private String schema;
  private String namespace;
  private final Map<String, String> env = new HashMap<>();
  private ByteArrayOutputStream out;
  private ByteArrayOutputStream err;

  @AfterEach
  void deleteNamespace() {
    if (namespace != null) {
      io.lettuce.core.RedisClient client =
          io.lettuce.core.RedisClient.create("redis://127.0.0.1:6379");
      try (var conn = client.connect()) {
        var match = io.lettuce.core.ScanArgs.Builder.matches("{" + namespace + "}:*").limit(1000);
        io.lettuce.core.ScanIterator.scan(conn.sync(), match).stream()
            .forEach(k -> conn.sync().del(k));
      } finally {
        client.shutdown();
      }
    }
  }

  @AfterEach
  void dropSchema() throws Exception {
    if (schema != null) {
      try (Connection c = DriverManager.getConnection(POSTGRES, "postgres", "");
          Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  /** The --storage URL of a fresh, empty storage of {@code kind}. */
  private String storage(String kind) {
    if (kind.equals("h2")) {
      return "h2:" + dir.resolve("data");
    }
    if (kind.equals("redis")) {
      namespace = "cli_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
      return "redis://127.0.0.1:6379?namespace=" + namespace;
    }
    schema = "cli_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    return "postgresql://127.0.0.1:5432/test?user=postgres&schema=" + schema;
  }

  private int baton(String... args) {
    out = new ByteArrayOutputStream();
    err = new ByteArrayOutputStream();
    return BatonCli.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        env);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private JsonNode json() throws Exception {
    return JSON.readTree(out());
  }

  private static JobStorage open(String url) {
    return StorageFactory.open(AppOptions.fromSettings(Map.of("storage", url), false));
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres", "redis"})
  void enqueueListShowRequeueDelete(String kind) throws Exception {
    String s = storage(kind);
    assertThat(baton("migrate", "--storage", s)).isZero();
    assertThat(out()).startsWith("schema up to date: ");
    assertThat(baton("migrate", "--storage", s, "--json")).isZero();
    assertThat(json().get("migrated").asBoolean()).isTrue();

    assertThat(baton("enqueue", "cli.echo", "--args", "{\"text\":\"hi\"}", "--storage", s))
        .isZero();
    assertThat(out()).startsWith("created job ").contains("(cli.echo, ENQUEUED)");
    String first = out().split(" ")[2];
    assertThat(
            baton(
                "enqueue",
                "cli.echo",
                "--args={\"text\":\"later\"}",
                "--queue=slow",
                "--in=5m",
                "--storage=" + s,
                "--json"))
        .isZero();
    JsonNode later = json();
    assertThat(later.get("created").asBoolean()).isTrue();
    assertThat(later.get("state").asText()).isEqualTo("SCHEDULED");
    String second = later.get("id").asText();

    // unique: the second creates nothing and names the holder
    assertThat(baton("enqueue", "cli.echo", "--unique=u-1", "--storage", s, "--json")).isZero();
    String holder = json().get("id").asText();
    assertThat(baton("enqueue", "cli.echo", "--unique=u-1", "--storage", s)).isZero();
    assertThat(out()).startsWith("created nothing: job " + holder + " holds the unique key");

    assertThat(baton("jobs", "list", "--storage", s)).isZero();
    assertThat(out())
        .contains("ID", "TYPE", "QUEUE", "STATE", "ATTEMPT", "CHANGED")
        .contains(first, second)
        .contains("3 of 3 jobs")
        .containsPattern("cli\\.echo +slow +SCHEDULED +1/10 +(just now|\\ds ago)");
    assertThat(baton("jobs", "list", "--state=scheduled", "--storage", s, "--json")).isZero();
    JsonNode scheduled = json();
    assertThat(scheduled.get("total").asLong()).isEqualTo(1);
    assertThat(scheduled.get("jobs").get(0).get("id").asText()).isEqualTo(second);
    assertThat(scheduled.get("jobs").get(0).get("args").get("text").asText()).isEqualTo("later");
    assertThat(baton("jobs", "list", "--type=nope", "--storage", s)).isZero();
    assertThat(out()).isEqualTo("no jobs\n");

    assertThat(baton("jobs", "show", second, "--storage", s)).isZero();
    assertThat(out())
        .startsWith("job " + second)
        .contains("type      cli.echo")
        .contains("queue     slow")
        .contains("SCHEDULED since")
        .contains("runs      in 4m")
        .contains("history:")
        .contains("scheduled in PT5M");
    assertThat(baton("jobs", "show", second, "--storage", s, "--json")).isZero();
    JsonNode shown = json();
    assertThat(shown.get("state").asText()).isEqualTo("SCHEDULED");
    assertThat(shown.get("history")).hasSize(1);
    assertThat(shown.get("logs")).isEmpty();

    assertThat(baton("jobs", "requeue", second, "--storage", s)).isZero();
    assertThat(out()).isEqualTo(second + " requeued\n");
    assertThat(baton("jobs", "requeue", second, "--storage", s, "--json")).isZero();
    assertThat(json().get(0).get("result").asText()).isEqualTo("unchanged");
    assertThat(baton("jobs", "delete", first, second, "--storage", s)).isZero();
    assertThat(out()).isEqualTo(first + " deleted\n" + second + " deleted\n");
    assertThat(baton("jobs", "list", "--state", "DELETED", "--storage", s, "--json")).isZero();
    assertThat(json().get("total").asLong()).isEqualTo(2);

    String unknown = UUID.randomUUID().toString();
    assertThat(baton("jobs", "show", unknown, "--storage", s)).isEqualTo(3);
    assertThat(err()).isEqualTo("error: no job " + unknown + "\n");
    assertThat(baton("jobs", "delete", first, unknown, "--storage", s, "--json")).isEqualTo(3);
    assertThat(json().get(1).get("result").asText()).isEqualTo("not-found");

    // A server that cannot run the waiting cli.echo job says so at start.
    ByteArrayOutputStream banner = new ByteArrayOutputStream();
    try (BatonApp app =
        BatonApp.start(
            AppOptions.fromSettings(
                Map.of("storage", s, "demo", "false", "dashboard", "false"), false),
            new PrintStream(banner, true, StandardCharsets.UTF_8))) {
      assertThat(banner.toString(StandardCharsets.UTF_8))
          .contains(
              "warning:   jobs of types this server has no handler for are waiting: cli.echo (1)");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres", "redis"})
  void serversStatsLocksAndABlockedJob(String kind) throws Exception {
    String s = storage(kind);
    JobStorage storage = open(s);
    CountDownLatch release = new CountDownLatch(1);
    try (BatonServer server =
        BatonServer.builder(storage)
            .config(BatonServerConfig.builder().serverId("cli-test-1").workers(2).build())
            .handle(ECHO, (args, ctx) -> ctx.log().info("echo {}", args.text()))
            .handle(
                HOLD,
                (args, ctx) -> {
                  ctx.progress(40);
                  release.await(30, TimeUnit.SECONDS);
                })
            .build()
            .start()) {
      BatonClient client = BatonClient.create(storage);
      EnqueueResult holder = client.enqueue(HOLD, new Echo("a"));
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> state(client, holder.id()) == JobState.PROCESSING);
      EnqueueResult waiter = client.enqueue(HOLD, new Echo("a"));
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> state(client, waiter.id()) == JobState.BLOCKED);
      client.locks("cli-owner").tryLock("nightly-report", Duration.ofMinutes(5)).orElseThrow();

      // enqueue --wait: the server runs it; the CLI waits and says how it ended
      assertThat(
              baton("enqueue", "cli.echo", "--args", "{\"text\":\"w\"}", "--wait", "--storage", s))
          .isZero();
      assertThat(out()).containsPattern("job \\S+ SUCCEEDED after ");
      assertThat(err()).contains("SUCCEEDED");
      String echoed = out().split(" ")[1];
      assertThat(baton("jobs", "show", echoed, "--storage", s)).isZero();
      assertThat(out()).contains("logs (last 1):").contains("INFO  echo w").contains("cli-test-1");

      assertThat(baton("jobs", "show", waiter.id().toString(), "--storage", s)).isZero();
      assertThat(out())
          .contains("BLOCKED")
          .contains("blocked   mutex 'hold:a' held by " + holder.id() + ", place 1 in line");
      assertThat(baton("jobs", "show", waiter.id().toString(), "--storage", s, "--json")).isZero();
      JsonNode blocked = json().get("blocked");
      assertThat(blocked.get("key").asText()).isEqualTo("hold:a");
      assertThat(blocked.get("holders").get(0).asText()).isEqualTo(holder.id().toString());

      assertThat(baton("servers", "--storage", s)).isZero();
      assertThat(out())
          .contains("SERVER", "HOST", "QUEUES", "WORKERS", "RUNNING", "HEARTBEAT")
          .containsPattern("cli-test-1 +\\S+ +default +2 +1 ");
      assertThat(baton("servers", "--storage", s, "--json")).isZero();
      assertThat(json().get(0).get("serverId").asText()).isEqualTo("cli-test-1");

      assertThat(baton("stats", "--storage", s)).isZero();
      assertThat(out())
          .containsPattern("PROCESSING +1")
          .containsPattern("BLOCKED +1")
          .containsPattern("SUCCEEDED +1")
          .contains("QUEUE", "servers: 1");
      assertThat(baton("stats", "--storage", s, "--json")).isZero();
      JsonNode stats = json();
      assertThat(stats.get("states").get("BLOCKED").asLong()).isEqualTo(1);
      assertThat(stats.get("servers").asInt()).isEqualTo(1);

      assertThat(baton("locks", "--storage", s)).isZero();
      assertThat(out())
          .containsPattern("nightly-report +cli-owner +\\d+ +(just now|\\ds ago) +in 4m")
          .containsPattern("hold:a +mutex +1/1 +" + holder.id() + " +1");
      assertThat(baton("locks", "--storage", s, "--json")).isZero();
      JsonNode locks = json();
      assertThat(locks.get("locks").get(0).get("name").asText()).isEqualTo("nightly-report");
      assertThat(locks.get("keys").get(0).get("waiters").get(0).asText())
          .isEqualTo(waiter.id().toString());
      release.countDown();
    } finally {
      storage.close();
    }
  }

  private static JobState state(BatonClient client, JobId id) {
    return client.find(id).orElseThrow().state();
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres", "redis"})
  void recurring(String kind) throws Exception {
    String s = storage(kind);
    JobStorage storage = open(s);
    try {
      BatonClient.create(storage)
          .recurring()
          .addOrUpdate("nightly", "0 3 * * *", ECHO, new Echo("n"));
    } finally {
      storage.close();
    }
    assertThat(baton("recurring", "list", "--storage", s)).isZero();
    assertThat(out())
        .contains("ID", "CRON", "NEXT", "STATUS")
        .containsPattern("nightly +0 3 \\* \\* \\* +cli\\.echo +default +in \\S+ +never +active");
    assertThat(baton("recurring", "trigger", "nightly", "--storage", s)).isZero();
    assertThat(out()).startsWith("recurring job 'nightly' triggered: created job ");
    assertThat(baton("recurring", "pause", "nightly", "--storage", s)).isZero();
    assertThat(out()).isEqualTo("recurring job 'nightly' paused\n");
    assertThat(baton("recurring", "list", "--storage", s, "--json")).isZero();
    JsonNode listed = json().get(0);
    assertThat(listed.get("paused").asBoolean()).isTrue();
    assertThat(listed.get("lastJobId").asText()).isNotEmpty();
    assertThat(baton("recurring", "resume", "nightly", "--storage", s, "--json")).isZero();
    assertThat(json().get("result").asText()).isEqualTo("resumed");
    assertThat(baton("recurring", "remove", "nightly", "--storage", s)).isZero();
    assertThat(baton("recurring", "remove", "nightly", "--storage", s)).isEqualTo(3);
    assertThat(err()).isEqualTo("error: no recurring job 'nightly'\n");
    assertThat(baton("recurring", "list", "--storage", s)).isZero();
    assertThat(out()).isEqualTo("no recurring jobs\n");
  }

  @Test
  void badInputIsOneLineAndExitTwo() {
    String s = "h2:" + dir.resolve("data");
    assertThat(baton("jbos", "list")).isEqualTo(2);
    assertThat(err())
        .isEqualTo("error: unknown command 'jbos' (did you mean 'jobs'?); see 'baton --help'\n");
    assertThat(baton("jobs", "list", "--limt=3")).isEqualTo(2);
    assertThat(err()).startsWith("error: Unknown option: '--limt=3' (did you mean '--limit'?)");
    assertThat(baton("enqueue", "cli.echo", "--args", "{\"text\":", "--storage", s)).isEqualTo(2);
    assertThat(err()).startsWith("error: --args is not valid JSON: ").hasLineCount(1);
    assertThat(baton("enqueue", "no spaces", "--storage", s)).isEqualTo(2);
    assertThat(err()).startsWith("error: job type name must match").hasLineCount(1);
    assertThat(baton("enqueue", "cli.echo", "--in=5m", "--at=2030-01-01T00:00:00Z")).isEqualTo(2);
    assertThat(err()).isEqualTo("error: give --in or --at, not both\n");
    assertThat(baton("enqueue", "cli.echo", "--in=soon")).isEqualTo(2);
    assertThat(err()).startsWith("error: --in: 'soon' is not a duration");
    assertThat(baton("jobs", "list", "--state=done", "--storage", s)).isEqualTo(2);
    assertThat(err())
        .isEqualTo(
            "error: unknown state 'done': one of scheduled, enqueued, awaiting, blocked,"
                + " processing, succeeded, failed, deleted\n");
    assertThat(baton("jobs", "show", "42")).isEqualTo(2);
    assertThat(err()).isEqualTo("error: '42' is not a job id (a UUID)\n");
    assertThat(baton("stats", "--storage=oracle://db")).isEqualTo(2);
    assertThat(err()).startsWith("error: --storage must be h2:PATH").hasLineCount(1);
    assertThat(Files.exists(dir.resolve("data"))).as("bad input opens nothing").isFalse();
    assertThat(baton("jobs")).isEqualTo(2);
    assertThat(err()).startsWith("error: give a subcommand: list, show, requeue or delete");
  }

  @Test
  void anUnreachableStorageIsExitFourSayingWhatWasTried() {
    assertThat(baton("stats", "--storage", "postgresql://127.0.0.1:1/test?user=postgres"))
        .isEqualTo(4);
    assertThat(err())
        .startsWith(
            "error: cannot open the storage PostgreSQL at jdbc:postgresql://127.0.0.1:1/test")
        .contains("is it running and reachable?")
        .hasLineCount(1);
    assertThat(out()).isEmpty();
    assertThat(baton("jobs", "list", "--storage", "redis://127.0.0.1:1")).isEqualTo(4);
    assertThat(err()).startsWith("error: cannot open the storage Redis at redis://127.0.0.1:1");
    env.put("BATON_STORAGE", "postgresql://127.0.0.1:1/test");
    assertThat(baton("servers")).isEqualTo(4);
  }

  @Test
  void commandLineBeatsEnvironmentBeatsConfigFile() throws Exception {
    Path config = dir.resolve("baton.properties");
    Files.writeString(config, "storage=h2:" + dir.resolve("from-file") + "\nworkers=3\n");
    assertThat(baton("migrate", "--config", config.toString())).isZero();
    assertThat(out()).contains("from-file");
    env.put("BATON_CONFIG", config.toString());
    assertThat(baton("migrate")).isZero();
    assertThat(out()).contains("from-file");
    env.put("BATON_STORAGE", "h2:" + dir.resolve("from-env"));
    assertThat(baton("migrate")).isZero();
    assertThat(out()).contains("from-env");
    assertThat(baton("migrate", "--storage", "h2:" + dir.resolve("from-args"))).isZero();
    assertThat(out()).contains("from-args");

    Files.writeString(config, "storag=memory:\n");
    assertThat(baton("migrate")).isEqualTo(2);
    assertThat(err()).startsWith("error: --config: ").contains("unknown setting 'storag'");

    // The server's settings resolve the same way.
    Files.writeString(config, "workers=3\nname=from-file\nqueues=a,b\n");
    env.put("BATON_WORKERS", "5");
    AppOptions options =
        AppOptions.fromSettings(
            Settings.resolve(Map.of("queues", "c"), config.toString(), env, Settings.SERVER),
            false);
    assertThat(options.workers()).isEqualTo(5);
    assertThat(options.serverId()).isEqualTo("from-file");
    assertThat(options.queues()).containsExactly("c");
  }

  @Test
  void versionAndHelp() throws Exception {
    assertThat(baton("version")).isZero();
    assertThat(out()).startsWith("baton ").contains("(Java ");
    assertThat(baton("version", "--json")).isZero();
    assertThat(json().get("version").asText()).isNotEmpty();
    assertThat(baton("--help")).isZero();
    assertThat(out())
        .contains("server", "enqueue", "jobs", "stats", "servers", "recurring", "locks", "migrate")
        .contains("4   storage unreachable");
    assertThat(baton("jobs", "list", "--help")).isZero();
    assertThat(out()).contains("--state=STATE", "--json", "--storage=URL");
  }

  @Test
  void storageUrls() {
    assertThat(AppOptions.fromSettings(Map.of("storage", "memory:"), false).storage())
        .isEqualTo(AppOptions.StorageKind.MEMORY);
    AppOptions h2 = AppOptions.fromSettings(Map.of("storage", "h2:/tmp/x"), false);
    assertThat(h2.dataDir()).isEqualTo(Path.of("/tmp/x"));
    AppOptions pg =
        AppOptions.fromSettings(Map.of("storage", "postgresql://bob:secret@db:5433/jobs"), false);
    assertThat(pg.storage()).isEqualTo(AppOptions.StorageKind.POSTGRES);
    assertThat(pg.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5433/jobs?user=bob&password=secret");
    assertThat(StorageFactory.describe(pg))
        .isEqualTo("PostgreSQL at jdbc:postgresql://db:5433/jobs");
    AppOptions redis =
        AppOptions.fromSettings(Map.of("storage", "redis-sentinel://h:26379#main"), false);
    assertThat(redis.storage()).isEqualTo(AppOptions.StorageKind.REDIS);
    assertThat(redis.redisUrl()).isEqualTo("redis-sentinel://h:26379#main");
    assertThat(StorageFactory.takeParam("redis://h:6379?namespace=n1#x", "namespace"))
        .isEqualTo(new StorageFactory.Param("redis://h:6379#x", "n1"));
    assertThat(
            AppOptions.fromSettings(Map.of("storage", "jdbc:h2:mem:x;MODE=PostgreSQL"), false)
                .storage())
        .isEqualTo(AppOptions.StorageKind.H2);
  }
}
