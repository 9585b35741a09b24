package dev.baton.examples.spring;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The sample on H2 files in a temporary directory, as {@code application.yml} has it. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    classes = SampleApplication.class)
@DirtiesContext // closed before the directory is deleted
class SampleApplicationH2Test extends SampleApplicationContract {
  @TempDir static Path dir;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add(
        "spring.datasource.url",
        () -> "jdbc:h2:file:" + dir.resolve("spring") + ";MODE=PostgreSQL");
    common(registry);
  }
}
