package dev.baton.bench;

import dev.baton.storage.JobStorage;
import dev.baton.storage.jdbc.JdbcStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** H2 in file mode in {@code --data-dir} (default {@code target/bench-h2}), emptied by reset. */
final class H2Spec implements StorageSpec {
  private final Path directory;

  H2Spec(BenchOptions options) {
    this.directory = options.dataDir();
  }

  @Override
  public String name() {
    return "h2";
  }

  @Override
  public String describe() {
    return "H2 file database in " + directory.toAbsolutePath();
  }

  @Override
  public void reset() {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public JobStorage open(Profile profile) {
    var builder = JdbcStorage.h2File(directory);
    if (profile == Profile.TUNED) {
      builder.poolSize(16);
    } else if (profile == Profile.FAST_RECOVERY) {
      builder
          .connectionTimeout(PostgresSpec.FAST_CONNECT)
          .statementTimeout(PostgresSpec.FAST_STATEMENT);
    }
    return builder.build();
  }
}
