package dev.baton.app;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** Compiles the Java code of a doc page with javax.tools, against the tests' class path. */
final class DocCompiler {
  private static final Pattern CLASS_NAME =
      Pattern.compile("(?m)^public (?:final )?(?:class|record|interface) (\\w+)");

  private DocCompiler() {}

  /** The class path of the tests (Surefire runs them from a manifest-only jar). */
  static String classPath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }

  /**
   * Compiles {@code sources} (each a whole compilation unit with a public top-level type) into
   * {@code dir}/classes; returns the compiler's messages, empty if it compiled.
   */
  static String compile(Path dir, List<String> sources) throws IOException {
    Path src = Files.createDirectories(dir.resolve("src"));
    Path classes = Files.createDirectories(dir.resolve("classes"));
    List<Path> files = new ArrayList<>();
    for (String source : sources) {
      Matcher name = CLASS_NAME.matcher(source);
      if (!name.find()) {
        throw new AssertionError("no public top-level type in:\n" + source);
      }
      Path file = src.resolve(name.group(1) + ".java");
      Files.writeString(file, source);
      files.add(file);
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter messages = new StringWriter();
    try (StandardJavaFileManager fm = javac.getStandardFileManager(null, null, null)) {
      Iterable<? extends JavaFileObject> units = fm.getJavaFileObjectsFromPaths(files);
      List<String> options =
          List.of("-classpath", classPath(), "-d", classes.toString(), "-proc:none");
      boolean ok = javac.getTask(messages, fm, null, options, null, units).call();
      return ok ? "" : messages.toString();
    }
  }

  /** Runs {@code mainClass} from {@code dir}/classes in a separate JVM with {@code dir} as cwd. */
  static Run run(Path dir, String mainClass) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path output = dir.resolve("output.txt");
    Process process =
        new ProcessBuilder(
                java, "-cp", dir.resolve("classes") + File.pathSeparator + classPath(), mainClass)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    if (!process.waitFor(90, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("still running after 90 s:\n" + Files.readString(output));
    }
    return new Run(process.exitValue(), Files.readString(output));
  }

  /** A finished process: its exit code and what it printed. */
  record Run(int exitCode, String output) {}
}
