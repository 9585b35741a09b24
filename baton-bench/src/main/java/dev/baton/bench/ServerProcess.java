package dev.baton.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link BenchServerMain} child JVM, with its output lines queued for the benchmark to read. */
final class ServerProcess implements AutoCloseable {
  private final Process process;
  private final Writer stdin;
  final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  /** The last {@code APPLIED n} the process printed: no-op jobs whose success was stored. */
  private final AtomicLong applied = new AtomicLong();

  /** No-op jobs the process ran to warm up (they are successes in the storage too). */
  private long warmedUp;

  private ServerProcess(Process process) {
    this.process = process;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  if (line.startsWith("APPLIED ")) {
                    applied.set(Long.parseLong(line.substring("APPLIED ".length())));
                  } else {
                    if (line.startsWith("READY")) {
                      applied.set(0); // a new server: its count starts again (see again())
                    }
                    lines.add(line);
                  }
                }
              } catch (IOException ignored) {
                // the process ended
              }
            },
            "bench-server-out");
    reader.setDaemon(true);
    reader.start();
  }

  static ServerProcess launch(
      BenchServerMain.ServerProfile profile, String serverId, BenchOptions options)
      throws IOException {
    return launch(profile, serverId, options, List.of());
  }

  /**
   * As {@link #launch(BenchServerMain.ServerProfile, String, BenchOptions)}; {@code extra} options
   * come last and win, e.g. {@code --warmup=0}.
   */
  static ServerProcess launch(
      BenchServerMain.ServerProfile profile,
      String serverId,
      BenchOptions options,
      List<String> extra)
      throws IOException {
    String java =
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-Xmx512m");
    // For a profile or a JIT log of the server processes, e.g.
    // BATON_BENCH_SERVER_JAVA_OPTIONS="-XX:StartFlightRecording=filename=/tmp/server-%p.jfr"
    String more = System.getenv("BATON_BENCH_SERVER_JAVA_OPTIONS");
    if (more != null && !more.isBlank()) {
      command.addAll(List.of(more.trim().split("\\s+")));
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(BenchServerMain.class.getName());
    command.add(profile.name());
    command.add(serverId);
    command.addAll(options.raw());
    command.addAll(extra);
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
    ServerProcess p = new ServerProcess(pb.start());
    String ready = p.await("READY", Duration.ofMinutes(3));
    p.warmedUp = Long.parseLong(ready.substring("READY".length()).trim());
    return p;
  }

  /** Waits for a line starting with {@code prefix}; returns it. Other lines are dropped. */
  String await(String prefix, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (System.nanoTime() < deadline) {
        String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (line != null && line.startsWith(prefix)) {
          return line;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new IllegalStateException(
        "no '" + prefix + "' from the server process within " + timeout);
  }

  long warmedUp() {
    return warmedUp;
  }

  long applied() {
    return applied.get();
  }

  void go() throws IOException {
    stdin.write("GO\n");
    stdin.flush();
  }

  /**
   * Stops the server and builds a new one as the first, which waits for the next GO: the same run
   * can be measured again. Its no-op count starts from 0.
   */
  void again() throws IOException {
    stdin.write("AGAIN\n");
    stdin.flush();
    await("READY", Duration.ofMinutes(1));
  }

  /** What the process spent since GO (see {@link ProcessCost}). */
  ProcessCost cost() throws IOException {
    stdin.write("COST\n");
    stdin.flush();
    return ProcessCost.parse(await("COST ", Duration.ofSeconds(10)).substring("COST ".length()));
  }

  /** Asks the process for a full collection and waits until it is done. */
  void collectGarbage() throws IOException {
    stdin.write("GC\n");
    stdin.flush();
    await("COLLECTED", Duration.ofSeconds(30));
  }

  /** SIGKILL: no shutdown hook, no deregistration. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    try {
      stdin.close(); // the server shuts down gracefully when its stdin closes
    } catch (IOException ignored) {
      // already gone
    }
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
