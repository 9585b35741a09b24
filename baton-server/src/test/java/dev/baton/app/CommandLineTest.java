package dev.baton.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.app.AppOptions.StorageKind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code --help} and bad options give a clear message and never start anything. */
class CommandLineTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return BatonApp.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpPrintsTheUsageAndExitsZero() {
    assertThat(run("server", "--help")).isZero();
    assertThat(out())
        .startsWith("Usage: baton server")
        .contains("--storage=URL")
        .contains("--demo[=true|false]")
        .contains("--dashboard[=true|false]")
        .contains("--port=N")
        .contains("--bind=ADDR")
        .contains("--queues=Q[,Q...]")
        .contains("--config=FILE")
        .contains("--api-token=TOKEN")
        .contains("--read-only-token=TOKEN");
    assertThat(err()).isEmpty();
  }

  @Test
  void anUnknownOptionIsNamedAndTheUsageShown() {
    assertThat(run("--storage=memory", "--colour=blue")).isEqualTo(2);
    assertThat(err())
        .startsWith("error: Unknown option: '--colour=blue'")
        .contains("see 'baton server --help'")
        .hasLineCount(1);
    assertThat(out()).isEmpty();
  }

  @Test
  void badValuesSayWhatIsExpected() {
    assertThat(run("--storage=oracle")).isEqualTo(2);
    assertThat(err())
        .contains("--storage must be h2:PATH, memory:, postgresql://HOST/DB, a jdbc: URL")
        .contains("got 'oracle'");
    assertThatThrownBy(() -> AppOptions.parse("--workers=none"))
        .hasMessage("--workers must be a positive number, got 'none'");
    assertThatThrownBy(() -> AppOptions.parse("--demo=maybe"))
        .hasMessage("--demo must be true or false, got 'maybe'");
    assertThatThrownBy(() -> AppOptions.parse("memory"))
        .hasMessageContaining("unexpected argument 'memory'");
    assertThatThrownBy(() -> AppOptions.parse("--demo=true", "--demo=false"))
        .hasMessage("option --demo is given twice");
  }

  @Test
  void theDashboardOptionsAreParsedAndChecked() {
    DashboardOptions defaults = AppOptions.parse().dashboard();
    assertThat(defaults).isEqualTo(DashboardOptions.DEFAULTS);
    assertThat(defaults.enabled()).isTrue();
    assertThat(defaults.bind()).isEqualTo("127.0.0.1");
    assertThat(defaults.port()).isEqualTo(8080);
    assertThat(defaults.authenticated()).isFalse();
    DashboardOptions given =
        AppOptions.parse(
                "--port=0",
                "--bind=0.0.0.0",
                "--api-token=admin-token-0123456789",
                "--read-only-token=viewer-token-0123456789")
            .dashboard();
    assertThat(given.port()).isZero();
    assertThat(given.bind()).isEqualTo("0.0.0.0");
    assertThat(given.apiToken()).isEqualTo("admin-token-0123456789");
    assertThat(given.readOnlyToken()).isEqualTo("viewer-token-0123456789");
    assertThat(AppOptions.parse("--dashboard=false", "--bind=0.0.0.0").dashboard().enabled())
        .as("no dashboard, nothing to protect")
        .isFalse();
    assertThat(AppOptions.parse("--bind=localhost").dashboard().bind()).isEqualTo("localhost");

    assertThatThrownBy(() -> AppOptions.parse("--port=65536"))
        .hasMessage("--port must be a port number from 0 (any free port) to 65535, got '65536'");
    assertThatThrownBy(() -> AppOptions.parse("--port=http"))
        .hasMessageStartingWith("--port must be a port number");
    assertThatThrownBy(() -> AppOptions.parse("--api-token=short"))
        .hasMessage(
            "--api-token must be at least 16 printable characters without spaces (it is a"
                + " password)");
    assertThatThrownBy(
            () ->
                AppOptions.parse(
                    "--api-token=same-token-0123456", "--read-only-token=same-token-0123456"))
        .hasMessage("--api-token and --read-only-token must differ");
    assertThatThrownBy(() -> AppOptions.parse("--bind=no-such-host.invalid"))
        .hasMessageContaining("--bind=no-such-host.invalid is not an address of this machine");
  }

  @Test
  void aNonLoopbackAddressWithoutATokenIsRefused() {
    assertThat(run("--storage=memory", "--bind=0.0.0.0")).isEqualTo(2);
    assertThat(err())
        .startsWith(
            "error: --bind=0.0.0.0 is not a loopback address, and without a token anyone who can"
                + " reach it could delete jobs: give --api-token=TOKEN")
        .contains("or --dashboard=false");
    assertThat(out()).isEmpty();
  }

  @Test
  void defaultsAndValuesAreParsed() {
    AppOptions defaults = AppOptions.parse();
    assertThat(defaults.storage()).isEqualTo(StorageFactory.DEFAULT_STORAGE);
    assertThat(defaults.demo()).isTrue();
    assertThat(defaults.dataDir()).isEqualTo(Path.of("baton-data"));
    AppOptions given =
        AppOptions.parse(
            "--storage=postgres",
            "--jdbc-url=jdbc:postgresql://db/jobs",
            "--server-id=worker-1",
            "--workers=8",
            "--demo=false");
    assertThat(given.storage()).isEqualTo(StorageKind.POSTGRES);
    assertThat(given.jdbcUrl()).isEqualTo("jdbc:postgresql://db/jobs");
    assertThat(given.serverId()).isEqualTo("worker-1");
    assertThat(given.workers()).isEqualTo(8);
    assertThat(given.demo()).isFalse();
  }
}
