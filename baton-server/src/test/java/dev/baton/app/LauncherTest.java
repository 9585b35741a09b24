package dev.baton.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code ./baton} script as a process: against PostgreSQL (run from the test class path
 * through {@code BATON_CLASSPATH}, so no build happens inside the build), and its build-when-stale
 * logic with a stand-in {@code mvnw} and {@code java}.
 */
class LauncherTest {
  static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  static final Path SCRIPT = ROOT.resolve("baton");
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private String schema;
  private final List<Process> started = new ArrayList<>();

  record Result(int code, String out, String err) {}

  @AfterEach
  void cleanUp() throws Exception {
    for (Process p : started) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (schema != null) {
      try (Connection c = DriverManager.getConnection(CliTest.POSTGRES, "postgres", "");
          Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  private ProcessBuilder baton(Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>();
    command.add(SCRIPT.toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("BATON_"));
    pb.environment().putAll(env);
    return pb;
  }

  private Result run(Map<String, String> env, String... args) throws Exception {
    ProcessBuilder pb = baton(env, args);
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("baton " + List.of(args) + " ends").isTrue();
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static Map<String, String> fromTestClassPath() {
    return Map.of(
        "BATON_CLASSPATH",
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
  }

  @Test
  void theScriptRunsTheCliAndTheServerAgainstPostgres() throws Exception {
    assertThat(Files.isExecutable(SCRIPT)).as("./baton is executable").isTrue();
    schema = "cli_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String storage = "postgresql://127.0.0.1:5432/test?user=postgres&schema=" + schema;
    Map<String, String> env = new java.util.HashMap<>(fromTestClassPath());
    env.put("BATON_STORAGE", storage);

    Result migrate = run(env, "migrate");
    assertThat(migrate.code()).as(migrate.err()).isZero();
    assertThat(migrate.out())
        .isEqualTo("schema up to date: PostgreSQL at jdbc:postgresql://127.0.0.1:5432/test\n");

    Result enqueued =
        run(env, "enqueue", "demo.hello", "--args", "{\"name\":\"script\"}", "--json");
    assertThat(enqueued.code()).as(enqueued.err()).isZero();
    // stdout is the JSON and nothing else: no log lines mixed in
    String id = JSON.readTree(enqueued.out()).get("id").asText();

    // A server started by the script runs it; `baton servers` sees the server.
    Path serverOut = dir.resolve("server.txt");
    Process server =
        baton(env, "server", "--demo=false", "--port=0", "--name=script-server", "--workers=2")
            .redirectErrorStream(true)
            .redirectOutput(serverOut.toFile())
            .start();
    started.add(server);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> Files.readString(serverOut).contains("Running. Press Ctrl-C"));
    assertThat(Files.readString(serverOut))
        .contains("storage:   PostgreSQL at jdbc:postgresql://127.0.0.1:5432/test")
        .contains("server id: script-server")
        .contains("dashboard: http://127.0.0.1:");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              Result shown = run(env, "jobs", "show", id, "--json");
              return shown.code() == 0
                  && JSON.readTree(shown.out()).get("state").asText().equals("SUCCEEDED");
            });
    Result servers = run(env, "servers", "--json");
    assertThat(servers.code()).isZero();
    JsonNode list = JSON.readTree(servers.out());
    assertThat(list.get(0).get("serverId").asText()).isEqualTo("script-server");
    Result listed = run(env, "jobs", "list", "--state", "succeeded");
    assertThat(listed.out()).contains(id).contains("demo.hello").contains("SUCCEEDED");

    server.destroy(); // SIGTERM: the graceful path
    assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(server.exitValue()).isZero();
    assertThat(Files.readString(serverOut))
        .contains("Shutting down gracefully")
        .contains("Stopped.");

    Result unreachable =
        run(
            Map.of("BATON_CLASSPATH", env.get("BATON_CLASSPATH")),
            "stats",
            "--storage",
            "postgresql://127.0.0.1:1/test");
    assertThat(unreachable.code()).isEqualTo(4);
    assertThat(unreachable.out()).isEmpty();
    assertThat(unreachable.err())
        .startsWith(
            "error: cannot open the storage PostgreSQL at jdbc:postgresql://127.0.0.1:1/test")
        .hasLineCount(1);
    Result usage = run(env, "jobs", "lst");
    assertThat(usage.code()).isEqualTo(2);
    assertThat(usage.err())
        .isEqualTo(
            "error: unknown command 'lst' (did you mean 'list'?); see 'baton jobs --help'\n");
  }

  /** A copy of the script in a fake checkout, with a stand-in mvnw and java that record calls. */
  @Test
  void theScriptBuildsOnlyWhenTheJarIsMissingOrStale() throws Exception {
    Path root = dir.resolve("checkout");
    Path source = root.resolve("baton-core/src/main/java/Some.java");
    Files.createDirectories(source.getParent());
    Files.writeString(source, "class Some {}");
    Files.writeString(root.resolve("pom.xml"), "<project/>");
    Files.copy(SCRIPT, root.resolve("baton"));
    Files.setPosixFilePermissions(
        root.resolve("baton"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Path calls = dir.resolve("calls.txt");
    executable(
        root.resolve("mvnw"),
        "#!/usr/bin/env bash\necho \"mvnw $*\" >> '"
            + calls
            + "'\nmkdir -p baton-server/target && touch baton-server/target/baton-server.jar\n");
    Path javaHome = dir.resolve("jdk");
    executable(
        javaHome.resolve("bin/java"), "#!/usr/bin/env bash\necho \"java $*\" >> '" + calls + "'\n");
    Map<String, String> env = Map.of("JAVA_HOME", javaHome.toString());

    Result first = runScript(root, env, "jobs", "list");
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.err()).isEqualTo("building Baton…\n");
    Path jar = root.resolve("baton-server/target/baton-server.jar");
    assertThat(Files.readAllLines(calls))
        .containsExactly(
            "mvnw -q -pl baton-server -am package -DskipTests", "java -jar " + jar + " jobs list");

    Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(5)));
    Result second = runScript(root, env);
    assertThat(second.err()).isEmpty();
    assertThat(Files.readAllLines(calls)).hasSize(3).last().isEqualTo("java -jar " + jar);

    Files.setLastModifiedTime(source, FileTime.from(Instant.now().plusSeconds(60)));
    Result third = runScript(root, env, "version");
    assertThat(third.err()).isEqualTo("building Baton…\n");
    assertThat(Files.readAllLines(calls)).hasSize(5);
  }

  private Result runScript(Path root, Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(root.resolve("baton").toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("BATON_"));
    pb.environment().putAll(env);
    Process p = pb.start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Result(
        p.exitValue(),
        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  private static void executable(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
