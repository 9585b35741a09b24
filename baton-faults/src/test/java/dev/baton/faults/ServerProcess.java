package dev.baton.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM started with {@code java -cp} from the test's own classpath, stdin/stdout as its
 * control channel, stderr in a log file under {@code target/faults-logs}. Signals go to its own pid
 * only.
 */
final class ServerProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;
  private final Writer stdin;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  private ServerProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                  lines.add(line);
                }
              } catch (IOException ignored) {
                // the process is gone
              }
            },
            "stdout-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code mainClass} with {@code args}; {@code name} names its log file. */
  static ServerProcess start(String name, Path logDir, String mainClass, List<String> args)
      throws IOException {
    Files.createDirectories(logDir);
    Path log = logDir.resolve(name + ".log");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-Dh2.bindAddress=127.0.0.1");
    cmd.add("-cp");
    cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    cmd.add(mainClass);
    cmd.addAll(args);
    Process p =
        new ProcessBuilder(cmd)
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    return new ServerProcess(name, p, log);
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  /** The next stdout line starting with {@code prefix}; fails with the log's tail if none comes. */
  String awaitLine(String prefix, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
        if (line == null) {
          throw new IllegalStateException(
              name + " printed no " + prefix + " line within " + timeout + "; log:\n" + tail());
        }
        if (line.startsWith(prefix)) {
          return line;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  void send(String command) throws IOException {
    stdin.write(command + "\n");
    stdin.flush();
  }

  /** {@code kill -STOP}: every thread of the process stops at once, as in a long VM freeze. */
  void pause() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** {@code kill -CONT}. */
  void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String sig) throws IOException, InterruptedException {
    Signals.send(sig, pid());
  }

  /** The last lines of the log, for failure messages. */
  String tail() {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - 40), all.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Lines of the log that contain {@code text}. */
  long logLinesContaining(String text) throws IOException {
    return Files.readAllLines(log).stream().filter(l -> l.contains(text)).count();
  }

  /** Graceful close if it answers in time; otherwise, or if paused, killed (by its own pid). */
  @Override
  public void close() {
    if (process.isAlive()) {
      try {
        signal("CONT"); // a paused process cannot close itself
        send("close");
        if (process.waitFor(20, TimeUnit.SECONDS)) {
          return;
        }
      } catch (IOException | RuntimeException e) {
        // fall through to the kill
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Killed at once with SIGKILL (by its own pid). */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }
}
