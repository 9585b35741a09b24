package dev.baton.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * An example (or the {@code baton} CLI) running as a separate JVM with the test class path, its
 * output (both streams) in a file. {@link #close()} kills it if it still runs.
 */
final class ExampleProcess implements AutoCloseable {
  /** A line the examples print: {@code INSTANT WHO | TEXT} (see {@link Console}). */
  record Line(Instant at, String who, String text) {}

  private static final Pattern LINE = Pattern.compile("^(\\S+Z) (\\S+) \\| (.*)$");

  /** Waits for things a loaded 2-core machine may be slow to do, such as a JVM's start. */
  static final Duration PATIENCE = Duration.ofSeconds(60);

  private final String name;
  private final Path output;
  private final Process process;

  private ExampleProcess(String name, Path output, Process process) {
    this.name = name;
    this.output = output;
    this.process = process;
  }

  static ExampleProcess start(Path dir, String name, Class<?> main, String... args)
      throws IOException {
    return start(dir, name, main.getName(), args);
  }

  static ExampleProcess start(Path dir, String name, String mainClass, String... args)
      throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-Xmx256m");
    command.add("-XX:TieredStopAtLevel=1"); // starts faster; these runs are short
    command.add("-cp");
    // Surefire runs tests from a manifest-only jar; this is the real class path.
    command.add(
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    command.add(mainClass);
    command.addAll(List.of(args));
    Path output = dir.resolve(name + ".txt");
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    pb.environment().remove("BATON_STORAGE");
    pb.environment().put("EXAMPLES_LOG", "WARN");
    return new ExampleProcess(name, output, pb.start());
  }

  Process process() {
    return process;
  }

  String output() {
    try {
      return Files.exists(output) ? Files.readString(output) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<Line> lines() {
    List<Line> lines = new ArrayList<>();
    for (String text : output().split("\n")) {
      Matcher m = LINE.matcher(text);
      if (m.matches()) {
        lines.add(new Line(Instant.parse(m.group(1)), m.group(2), m.group(3)));
      }
    }
    return lines;
  }

  List<Matcher> matches(Pattern pattern) {
    List<Matcher> found = new ArrayList<>();
    for (Line line : lines()) {
      Matcher m = pattern.matcher(line.text());
      if (m.find()) {
        found.add(m);
      }
    }
    return found;
  }

  /** The first line whose text matches {@code pattern} (with {@code find}). */
  Optional<Line> find(Pattern pattern) {
    return lines().stream().filter(l -> pattern.matcher(l.text()).find()).findFirst();
  }

  /** Waits up to {@code atMost} for a line matching {@code pattern}; its matcher. */
  Matcher await(Pattern pattern, Duration atMost) {
    try {
      Awaitility.await(name + " prints " + pattern)
          .atMost(atMost)
          .pollInterval(Duration.ofMillis(50))
          .until(() -> !matches(pattern).isEmpty() || !process.isAlive());
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          name
              + " printed no line matching "
              + pattern
              + " in "
              + atMost
              + "; its output:\n"
              + output(),
          e);
    }
    List<Matcher> found = matches(pattern);
    if (found.isEmpty()) {
      throw new AssertionError(
          name
              + " exited ("
              + process.exitValue()
              + ") before printing "
              + pattern
              + "; its output:\n"
              + output());
    }
    return found.get(0);
  }

  Matcher await(Pattern pattern) {
    return await(pattern, PATIENCE);
  }

  /** Waits for the process to exit; its exit code. */
  int waitFor(Duration atMost) throws InterruptedException {
    if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " still runs after " + atMost + "; its output:\n" + output());
    }
    return process.exitValue();
  }

  /** SIGTERM: the examples stop gracefully on it. */
  void stop() {
    process.destroy();
  }

  /** SIGKILL, as {@code kill -9}. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
