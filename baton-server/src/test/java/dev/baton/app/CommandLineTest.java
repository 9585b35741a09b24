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
    assertThat(run("--help")).isZero();
    assertThat(out())
        .startsWith("Usage: java -jar baton-server.jar")
        .contains("--storage=h2|memory|postgres|redis")
        .contains("--demo=true|false");
    assertThat(err()).isEmpty();
  }

  @Test
  void anUnknownOptionIsNamedAndTheUsageShown() {
    assertThat(run("--storage=memory", "--colour=blue")).isEqualTo(2);
    assertThat(err()).startsWith("error: unknown option --colour").contains("Usage:");
    assertThat(out()).isEmpty();
  }

  @Test
  void badValuesSayWhatIsExpected() {
    assertThat(run("--storage=oracle")).isEqualTo(2);
    assertThat(err())
        .contains("--storage must be one of h2, memory, postgres, redis; got 'oracle'");
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
