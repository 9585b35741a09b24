package dev.baton.storage.jdbc;

import dev.baton.storage.JobStorage;
import dev.baton.tck.StorageFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** An H2 database file in a fresh temporary directory, deleted on close. */
final class H2Fixture implements StorageFixture {
  final Path directory;
  private final List<JdbcStorage> opened = new ArrayList<>();

  H2Fixture() {
    try {
      directory = Files.createTempDirectory("baton-h2-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Independent clients up to {@value #MAX_CLIENTS}, then the existing ones again in turn: a
   * stampede of a hundred clients must not exhaust the shared server's connection limit.
   */
  static final int MAX_CLIENTS = 8;

  private int handedOut;

  @Override
  public JobStorage newStorage() {
    synchronized (opened) {
      if (opened.size() >= MAX_CLIENTS) {
        return opened.get(handedOut++ % opened.size());
      }
    }
    return open(
        JdbcStorage.h2File(directory)
            .poolSize(4)
            .connectionTimeout(Duration.ofSeconds(1))
            .statementTimeout(Duration.ofSeconds(1)));
  }

  JdbcStorage open() {
    return open(JdbcStorage.h2File(directory).poolSize(4));
  }

  /** Kit clients (newStorage) have call timeouts as PostgresFixture's: longest call 2 s. */
  private JdbcStorage open(JdbcStorageBuilder builder) {
    JdbcStorage s = builder.build();
    synchronized (opened) {
      opened.add(s);
    }
    return s;
  }

  @Override
  public boolean independentClients() {
    return true;
  }

  @Override
  public void close() {
    synchronized (opened) {
      opened.forEach(JdbcStorage::close);
      opened.clear();
    }
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
