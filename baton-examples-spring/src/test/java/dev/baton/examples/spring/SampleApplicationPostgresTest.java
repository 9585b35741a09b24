package dev.baton.examples.spring;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The sample on the local PostgreSQL with the {@code postgres} profile: database {@code
 * spring_test}, Baton's tables in a fresh schema, dropped once the application has stopped.
 */
// Registered before @SpringBootTest's SpringExtension, so its afterAll runs after the context
// closes.
@ExtendWith(SampleApplicationPostgresTest.DropSchema.class)
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    classes = SampleApplication.class)
@TestPropertySource(
    properties = {
      "spring.datasource.url=" + SampleApplicationPostgresTest.URL,
      "spring.datasource.username=" + SampleApplicationPostgresTest.USER,
      "spring.datasource.hikari.maximum-pool-size=4",
      "baton.storage.jdbc.pool-size=3"
    })
@ActiveProfiles("postgres")
@DirtiesContext
class SampleApplicationPostgresTest extends SampleApplicationContract {
  static final String URL = "jdbc:postgresql://127.0.0.1:5432/spring_test";
  static final String USER = "postgres";
  static final String SCHEMA =
      "s_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("baton.storage.jdbc.schema", () -> SCHEMA);
    common(registry);
  }

  /** Drops the test's schema after the application (and Baton's pool) has stopped. */
  static final class DropSchema implements AfterAllCallback {
    @Override
    public void afterAll(ExtensionContext context) throws Exception {
      try (Connection c = DriverManager.getConnection(URL, USER, null);
          Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
      }
      LoggerFactory.getLogger(DropSchema.class).info("dropped schema {}", SCHEMA);
    }
  }
}
