package dev.baton.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Ten lines", compiled and run in a new Maven project that declares only the
 * dependencies the README lists: if the README forgets a coordinate (a JDBC driver, say), the
 * compile or the run fails here. Baton's own artifacts come from this build's jars, put into the
 * new project's local repository as {@code ./mvnw install} would; everything else is resolved by
 * Maven, from the build's own local repository (read as a remote one) or Maven Central.
 */
class ReadmeFreshProjectTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final String VERSION = "0.1.0-SNAPSHOT";

  @Test
  void theTenLinesRunInAProjectThatDeclaresOnlyTheReadmesCoordinates(@TempDir Path dir)
      throws Exception {
    String readme = Files.readString(ROOT.resolve("README.md"));
    int section = readme.indexOf("## Ten lines");
    assertThat(section).as("README has a 'Ten lines' section").isPositive();
    String snippet = block(readme, "java", section);
    List<String> dependencies = dependencies(block(readme, "xml", section));
    assertThat(dependencies).as("dependencies in the README").isNotEmpty();

    Path repo = dir.resolve("repo");
    installBatonArtifacts(repo);
    Path project = dir.resolve("project");
    Files.createDirectories(project.resolve("src/main/java/readme"));
    Files.writeString(project.resolve("pom.xml"), pom(dependencies));
    Files.writeString(project.resolve("src/main/java/readme/Main.java"), mainClass(snippet));

    Process build =
        new ProcessBuilder(
                ROOT.resolve("mvnw").toString(),
                "-q",
                "-B",
                "-Dmaven.repo.local=" + repo,
                "compile",
                "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath",
                "-Dmdep.outputFile=cp.txt",
                "-Dmdep.includeScope=runtime")
            .directory(project.toFile())
            .redirectErrorStream(true)
            .redirectOutput(project.resolve("build.log").toFile())
            .start();
    assertThat(build.waitFor(5, TimeUnit.MINUTES)).as("the build finishes").isTrue();
    assertThat(build.exitValue())
        .as("the fresh project builds:\n%s", Files.readString(project.resolve("build.log")))
        .isZero();

    String classPath =
        project.resolve("target/classes")
            + File.pathSeparator
            + Files.readString(project.resolve("cp.txt")).strip();
    Path java17 = Path.of(System.getProperty("java.home"), "bin", "java");
    Process run =
        new ProcessBuilder(java17.toString(), "-cp", classPath, "readme.Main")
            .directory(project.toFile())
            .redirectErrorStream(true)
            .redirectOutput(project.resolve("run.log").toFile())
            .start();
    boolean ended = run.waitFor(90, TimeUnit.SECONDS);
    if (!ended) {
      run.destroyForcibly().waitFor();
    }
    String out = Files.readString(project.resolve("run.log"));
    assertThat(ended).as("the example ends:\n%s", out).isTrue();
    assertThat(run.exitValue()).as("the example succeeds:\n%s", out).isZero();
    assertThat(out).contains("downloaded video 42").contains("the job ran and the server stopped");
  }

  /** The first fenced block of {@code language} at or after {@code from}. */
  private static String block(String text, String language, int from) {
    Matcher m = Pattern.compile("```" + language + "\\n(.*?)```", Pattern.DOTALL).matcher(text);
    assertThat(m.find(from)).as("a ```%s block after the section", language).isTrue();
    return m.group(1);
  }

  private static List<String> dependencies(String xml) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("<dependency>.*?</dependency>", Pattern.DOTALL).matcher(xml);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  /** Baton's jars and poms from this build, laid out as {@code mvn install} would. */
  private static void installBatonArtifacts(Path repo) throws IOException {
    Path base = repo.resolve("dev/baton");
    copy(ROOT.resolve("pom.xml"), base.resolve("baton-parent/" + VERSION), "baton-parent", "pom");
    try (Stream<Path> modules = Files.list(ROOT)) {
      for (Path module :
          modules.filter(p -> p.getFileName().toString().startsWith("baton-")).toList()) {
        String name = module.getFileName().toString();
        Path jar = module.resolve("target/" + name + "-" + VERSION + ".jar");
        if (Files.isRegularFile(jar)) {
          Path to = base.resolve(name + "/" + VERSION);
          copy(module.resolve("pom.xml"), to, name, "pom");
          copy(jar, to, name, "jar");
        }
      }
    }
    assertThat(base.resolve("baton-core/" + VERSION + "/baton-core-" + VERSION + ".jar"))
        .as("baton-core is built (run the build from the repository root)")
        .exists();
  }

  private static void copy(Path from, Path dir, String artifact, String extension)
      throws IOException {
    Files.createDirectories(dir);
    Files.copy(
        from,
        dir.resolve(artifact + "-" + VERSION + "." + extension),
        StandardCopyOption.REPLACE_EXISTING);
  }

  private static String pom(List<String> dependencies) {
    String outer = System.getProperty("baton.localRepository", "");
    String mirror =
        outer.isBlank()
            ? ""
            : """
              <repositories><repository><id>build</id><url>%1$s</url></repository></repositories>
              <pluginRepositories><pluginRepository><id>build</id><url>%1$s</url></pluginRepository></pluginRepositories>
            """
                .formatted(Path.of(outer).toUri());
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <groupId>example</groupId><artifactId>readme</artifactId><version>1</version>
          <properties>
            <maven.compiler.release>17</maven.compiler.release>
            <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
          </properties>
        %s
          <dependencies>
        %s
          </dependencies>
          <build><plugins>
            <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
            <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>3.13.0</version></plugin>
          </plugins></build>
        </project>
        """
        .formatted(mirror, String.join("\n", dependencies));
  }

  /**
   * The README's block as a program: its declarations (paragraphs that start with {@code record} or
   * {@code static}) become members, the rest the body of {@code main}, which then waits for the job
   * and closes the server and the storage it opened.
   */
  private static String mainClass(String snippet) {
    StringBuilder members = new StringBuilder();
    StringBuilder body = new StringBuilder();
    for (String paragraph : snippet.split("\\n\\s*\\n")) {
      String p = paragraph.strip();
      (p.startsWith("record ") || p.startsWith("static ") ? members : body)
          .append(paragraph)
          .append("\n\n");
    }
    return """
        package readme;

        import dev.baton.client.*;
        import dev.baton.job.*;
        import dev.baton.server.*;
        import dev.baton.storage.*;
        import dev.baton.storage.jdbc.*;
        import java.util.concurrent.CountDownLatch;
        import java.util.concurrent.TimeUnit;

        public class Main {
          static final CountDownLatch DONE = new CountDownLatch(1);

        %s
          static void download(VideoArgs args, JobContext ctx) {
            System.out.println("downloaded video " + args.videoId());
            DONE.countDown();
          }

          public static void main(String[] argv) throws Exception {
        %s
            if (!DONE.await(60, TimeUnit.SECONDS)) {
              System.out.println("the job did not run within 60 s");
              System.exit(1);
            }
            server.close();
            storage.close();
            System.out.println("the job ran and the server stopped");
          }
        }
        """
        .formatted(members, body);
  }
}
