package dev.baton.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.cli.BatonCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --config FILE}: properties and YAML give the same settings in the same precedence, and a
 * bad file is one line on stderr with exit code 2, for the server and the client commands.
 */
class ConfigFileTest {
  @TempDir Path dir;

  private final Map<String, String> env = new HashMap<>();
  private String err = "";

  private AppOptions server(Path config, Map<String, String> commandLine) {
    return AppOptions.fromSettings(
        Settings.resolve(commandLine, config.toString(), env, Settings.SERVER), false);
  }

  private int baton(String... args) {
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    int code =
        BatonCli.run(
            args,
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(errBytes, true, StandardCharsets.UTF_8),
            env);
    err = errBytes.toString(StandardCharsets.UTF_8);
    return code;
  }

  private Path file(String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  @Test
  void yamlGivesTheSameSettingsAsProperties() throws Exception {
    Path properties =
        file(
            "baton.properties",
            "storage=memory:\nworkers=8\nqueues=critical,default\nname=w1\n"
                + "dashboard=false\nport=9090\npublic-origin=https://jobs.example.com\n");
    Path yaml =
        file(
            "baton.yml",
            """
            storage: "memory:"
            workers: 8
            queues: [critical, default]
            name: w1
            dashboard: false
            port: 9090
            public-origin:
              - https://jobs.example.com
            """);
    AppOptions fromProperties = server(properties, Map.of());
    AppOptions fromYaml = server(yaml, Map.of());
    assertThat(fromYaml).isEqualTo(fromProperties);
    assertThat(fromYaml.workers()).isEqualTo(8);
    assertThat(fromYaml.queues()).containsExactly("critical", "default");
    assertThat(fromYaml.storage()).isEqualTo(AppOptions.StorageKind.MEMORY);
    assertThat(fromYaml.dashboard().publicOrigins()).containsExactly("https://jobs.example.com");
  }

  @Test
  void yamlMayNestTheSettingsUnderBatonAndUseTheYamlExtension() throws Exception {
    Path yaml = file("baton.yaml", "baton:\n  workers: 3\n  demo: false\n");
    AppOptions options = server(yaml, Map.of());
    assertThat(options.workers()).isEqualTo(3);
    assertThat(options.demo()).isFalse();
  }

  @Test
  void commandLineBeatsEnvironmentBeatsYaml() throws Exception {
    Path yaml = file("baton.yml", "workers: 3\nname: from-file\nqueues: a\n");
    env.put("BATON_WORKERS", "5");
    AppOptions options = server(yaml, Map.of("queues", "c"));
    assertThat(options.workers()).isEqualTo(5);
    assertThat(options.serverId()).isEqualTo("from-file");
    assertThat(options.queues()).containsExactly("c");
  }

  @Test
  void settingsThatGoTogetherMayComeFromDifferentSources() throws Exception {
    Path yaml = file("baton.yml", "bind: 0.0.0.0\ndashboard: true\n");
    env.put("BATON_API_TOKEN", "a-token-from-the-environment");
    AppOptions options = server(yaml, Map.of());
    assertThat(options.dashboard().bind()).isEqualTo("0.0.0.0");
    assertThat(options.dashboard().apiToken()).isEqualTo("a-token-from-the-environment");

    env.remove("BATON_API_TOKEN");
    assertThat(baton("server", "--config", yaml.toString())).isEqualTo(BatonCli.EXIT_USAGE);
    assertThat(err).startsWith("error: --bind=0.0.0.0 is not a loopback address");
    assertBad(
        file("bad.yml", "dashboard: maybe\n"), "dashboard must be true or false, got 'maybe'");
  }

  @Test
  void clientCommandsReadTheStorageFromYaml() throws Exception {
    Path yaml = file("baton.yml", "storage: h2:" + dir.resolve("from-yaml") + "\nworkers: 2\n");
    assertThat(baton("migrate", "--config", yaml.toString())).isZero();
    assertThat(Files.exists(dir.resolve("from-yaml"))).isTrue();
  }

  @Test
  void aBadFileIsOneLineAndExitCodeTwo() throws Exception {
    assertBad(dir.resolve("missing.yml"), "error: --config: no file " + dir.resolve("missing.yml"));
    assertBad(
        file("typo.yml", "wrokers: 8\n"), "unknown setting 'wrokers' (did you mean 'workers'?)");
    assertBad(
        file("typo.properties", "storag=memory:\n"),
        "unknown setting 'storag' (did you mean 'storage'?)");
    assertBad(file("far.yml", "colour: blue\n"), "unknown setting 'colour' (known: storage, ");
    assertBad(
        file("type.yml", "workers: eight\n"),
        "type.yml: workers must be a positive number, got 'eight'");
    assertBad(
        file("map.yml", "workers:\n  min: 2\n"), "'workers' must be a single value, got a map");
    assertBad(file("list.yml", "port: [1, 2]\n"), "'port' must be a single value, got a list");
    assertBad(file("empty.yml", "demo:\n"), "'demo' must be a single value, got no value");
    assertBad(file("broken.yml", "workers: [8\n"), "broken.yml: not valid YAML: ");
    assertBad(file("top.yml", "- workers\n"), "must be a map of settings");
    assertBad(dir, "cannot read it");
  }

  @Test
  void aBadValueFromTheEnvironmentSaysSo() {
    env.put("BATON_WORKERS", "0");
    assertThat(baton("server", "--storage=memory:")).isEqualTo(BatonCli.EXIT_USAGE);
    assertThat(err).isEqualTo("error: environment: workers must be a positive number, got '0'\n");
  }

  private void assertBad(Path config, String expected) {
    for (String[] command :
        new String[][] {
          {"server", "--dashboard=false", "--config", config.toString()},
          {"jobs", "list", "--config", config.toString()}
        }) {
      assertThat(baton(command)).as(String.join(" ", command)).isEqualTo(BatonCli.EXIT_USAGE);
      assertThat(err).as(String.join(" ", command)).contains(expected).hasLineCount(1);
      assertThat(err).startsWith("error: --config: ");
    }
  }
}
