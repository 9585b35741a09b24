package dev.baton.faults;

import dev.baton.client.BatonClient;
import dev.baton.client.JobView;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * What one fault test runs on: a fresh storage, the ledger directory its server processes write,
 * their logs under {@code target/faults-logs/<test>}, and everything to close afterwards (server
 * processes first, then proxies, then the storage).
 */
final class Fleet implements AutoCloseable {
  final Backend backend;
  final BatonClient client;
  final LedgerReader ledger;
  private final Path ledgerDir;
  private final Path logDir;
  private final Deque<AutoCloseable> opened = new ArrayDeque<>();

  Fleet(String test, Backend.Kind kind) throws IOException {
    this.backend = Backend.open(kind);
    this.client = BatonClient.create(backend.storage());
    this.logDir = Path.of("target", "faults-logs", test + "-" + kind + "-" + backend.tag);
    this.ledgerDir = logDir.resolve("ledger");
    Files.createDirectories(ledgerDir);
    this.ledger = new LedgerReader(ledgerDir);
  }

  TcpProxy proxy() throws IOException {
    return track(new TcpProxy(backend.port()));
  }

  /** A server process named {@code id}; through {@code viaPort} (a proxy) if not null. */
  ServerProcess server(String id, Settings settings, Integer viaPort, String... extra)
      throws IOException {
    ServerProcess p = launch(id, settings, viaPort, extra);
    p.awaitLine("READY", java.time.Duration.ofSeconds(90));
    return p;
  }

  /** As {@link #server}, without waiting for it to be ready (to boot several at once). */
  ServerProcess launch(String id, Settings settings, Integer viaPort, String... extra)
      throws IOException {
    List<String> args = new ArrayList<>(backend.serverArgs(viaPort));
    args.add("server=" + id);
    args.add("ledger=" + ledgerDir.toAbsolutePath());
    args.addAll(settings.args());
    args.addAll(List.of(extra));
    return track(ServerProcess.start(id, logDir, FaultServerMain.class.getName(), args));
  }

  /** A child process of another main class (the CPU hog). */
  ServerProcess process(String name, String mainClass, String... args) throws IOException {
    ServerProcess p = track(ServerProcess.start(name, logDir, mainClass, List.of(args)));
    p.awaitLine("READY", java.time.Duration.ofSeconds(90));
    return p;
  }

  JobState state(JobId id) {
    return client.find(id).map(JobView::state).orElse(null);
  }

  Optional<JobView> find(JobId id) {
    return client.find(id);
  }

  boolean all(Collection<JobId> ids, JobState state) {
    return ids.stream().allMatch(id -> state(id) == state);
  }

  private <T extends AutoCloseable> T track(T closeable) {
    opened.push(closeable);
    return closeable;
  }

  @Override
  public void close() throws Exception {
    Exception first = null;
    while (!opened.isEmpty()) {
      try {
        opened.pop().close();
      } catch (Exception e) {
        first = first == null ? e : first;
      }
    }
    backend.close();
    if (first != null) {
      throw first;
    }
  }
}
