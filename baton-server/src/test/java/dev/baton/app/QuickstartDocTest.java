package dev.baton.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.state.JobState;
import dev.baton.storage.JobMonitor;
import dev.baton.storage.JobQuery;
import dev.baton.storage.JobStorage;
import dev.baton.storage.jdbc.JdbcStorage;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/quickstart.md's Java program, compiled as written and run in a separate JVM in an empty
 * directory (so its H2 file storage lands in {@code ./baton-data} there): the job it enqueues must
 * have succeeded. The coordinates on the page must be the build's versions.
 */
class QuickstartDocTest {
  private final String page = DocPages.read("docs/quickstart.md");

  @Test
  void theJavaProgramCompilesRunsAndItsJobSucceeds(@TempDir Path dir) throws Exception {
    List<String> blocks = DocPages.javaBlocks(page);
    assertThat(blocks).hasSize(1);
    assertThat(DocCompiler.compile(dir, blocks)).isEmpty();

    DocCompiler.Run run = DocCompiler.run(dir, "Quickstart");
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).containsPattern("job \\S+ SUCCEEDED");

    try (JobStorage storage = JdbcStorage.h2File(dir.resolve("baton-data")).build()) {
      var jobs = ((JobMonitor) storage).findJobs(JobQuery.inState(JobState.SUCCEEDED, 10)).items();
      assertThat(jobs).hasSize(1);
      assertThat(jobs.get(0).spec().type()).isEqualTo("greet");
    }
  }

  @Test
  void theCoordinatesAreTheBuildsVersions() {
    String pom = DocPages.read("pom.xml");
    String version = match(pom, "<artifactId>baton-parent</artifactId>\\s*<version>([^<]+)<");
    assertThat(page)
        .contains("<version>" + version + "</version>")
        .contains("dev.baton:baton-jdbc:" + version)
        .contains("com.h2database:h2:" + match(pom, "<h2.version>([^<]+)<"))
        .contains("org.postgresql:postgresql:" + match(pom, "<postgresql.version>([^<]+)<"))
        .contains("ch.qos.logback:logback-classic:" + match(pom, "<logback.version>([^<]+)<"));
  }

  private static String match(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as(regex).isTrue();
    return m.group(1);
  }
}
