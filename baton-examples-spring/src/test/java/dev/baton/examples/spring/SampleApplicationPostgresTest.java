package dev.baton.examples.spring;

import java.util.UUID;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The sample on the local PostgreSQL with the {@code postgres} profile: database {@code
 * spring_test}, Baton's tables in a fresh schema.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    classes = SampleApplication.class)
@TestPropertySource(
    properties = {
      "spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/spring_test",
      "spring.datasource.username=postgres",
      "spring.datasource.hikari.maximum-pool-size=4",
      "baton.storage.jdbc.pool-size=3"
    })
@ActiveProfiles("postgres")
@DirtiesContext
class SampleApplicationPostgresTest extends SampleApplicationContract {
  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    String schema = "s_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    registry.add("baton.storage.jdbc.schema", () -> schema);
    common(registry);
  }
}
