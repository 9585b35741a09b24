package dev.baton.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts {@link BatonApp} as a separate JVM, its output (both streams) in a file. */
public final class AppProcess {
  private AppProcess() {}

  public static Process start(Path output, String... options) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-cp");
    // Surefire runs tests from a manifest-only jar; this is the real class path.
    command.add(
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    command.add(BatonApp.class.getName());
    command.addAll(List.of(options));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(output.toFile())
        .start();
  }
}
