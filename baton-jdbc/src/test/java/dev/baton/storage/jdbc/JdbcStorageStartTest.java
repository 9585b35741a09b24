package dev.baton.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.BatonException;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Starting a storage: validation, migrations under a lock, and clear errors. */
class JdbcStorageStartTest {

  @Test
  void rejectsASchemaNameThatIsNotAnIdentifier() {
    assertThatThrownBy(() -> JdbcStorage.postgres(PostgresFixture.URL).schema("x; DROP TABLE y"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("schema must match");
  }

  /** The application's class loader without the JDBC drivers, as a project that did not add one. */
  private static final class WithoutDrivers extends ClassLoader {
    WithoutDrivers() {
      super(JdbcStorageStartTest.class.getClassLoader());
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (name.startsWith("org.h2.") || name.startsWith("org.postgresql.")) {
        throw new ClassNotFoundException(name);
      }
      return super.loadClass(name, resolve);
    }
  }

  @Test
  void aMissingDriverNamesTheDependencyToAdd(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    Thread thread = Thread.currentThread();
    ClassLoader before = thread.getContextClassLoader();
    thread.setContextClassLoader(new WithoutDrivers());
    try {
      assertThatThrownBy(() -> JdbcStorage.h2File(dir.resolve("db")).build())
          .isInstanceOf(BatonException.class)
          .hasMessageContaining("H2 JDBC driver (org.h2.Driver) is not on the classpath")
          .hasMessageContaining("<artifactId>h2</artifactId>")
          .hasMessageContaining("implementation 'com.h2database:h2:");
      assertThatThrownBy(() -> JdbcStorage.postgres(PostgresFixture.URL).build())
          .isInstanceOf(BatonException.class)
          .hasMessageContaining("org.postgresql.Driver")
          .hasMessageContaining("org.postgresql:postgresql:");
    } finally {
      thread.setContextClassLoader(before);
    }
  }

  @Test
  void anUnknownDatabaseOrRoleFailsAtOnceSayingSo() {
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                JdbcStorage.postgres("jdbc:postgresql://127.0.0.1:5432/no_such_db")
                    .user("postgres")
                    .build())
        .isInstanceOf(BatonException.class)
        .hasMessageContaining("the database does not exist")
        .hasMessageContaining("no_such_db");
    assertThatThrownBy(() -> JdbcStorage.postgres(PostgresFixture.URL).user("no_such_role").build())
        .isInstanceOf(BatonException.class)
        .hasMessageContaining("refused the login")
        .hasMessageContaining("no_such_role");
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("no retries within the 2 s connection timeout")
        .isLessThan(JdbcStorageBuilder.DEFAULT_CONNECTION_TIMEOUT);
  }

  @Test
  void anUnwritableH2DirectorySaysWhichAndWhatToDo(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("a-file"), "x");
    assertThatThrownBy(() -> JdbcStorage.h2File(file.resolve("data")).build())
        .isInstanceOf(BatonException.class)
        .hasMessageContaining("cannot create the data directory")
        .hasMessageContaining("a-file")
        .hasMessageContaining("h2File(path)");
  }

  @Test
  void aWrongPortSaysWhatToCheck() {
    assertThatThrownBy(
            () ->
                JdbcStorage.postgres("jdbc:postgresql://127.0.0.1:1/test")
                    .user("postgres")
                    .connectionTimeout(Duration.ofMillis(500))
                    .build())
        .isInstanceOf(BatonException.class)
        .hasMessageContaining("cannot connect")
        .hasMessageContaining("user and password");
  }

  @Test
  void twoStoragesStartingTogetherMigrateOnce() throws Exception {
    try (PostgresFixture f = new PostgresFixture()) {
      ExecutorService pool = Executors.newFixedThreadPool(3);
      List<Future<JdbcStorage>> starts = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        starts.add(pool.submit(f::open));
      }
      for (Future<JdbcStorage> s : starts) {
        assertThat(s.get().now()).isNotNull();
      }
      pool.shutdown();
      try (Connection c = PostgresFixture.connect();
          Statement s = c.createStatement();
          var rs = s.executeQuery("SELECT COUNT(*) FROM " + f.schema + ".baton_schema_version")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(SchemaMigrator.LATEST);
      }
    }
  }

  @Test
  void aSchemaNewerThanTheCodeStopsTheStart() throws Exception {
    try (PostgresFixture f = new PostgresFixture()) {
      f.open().close();
      try (Connection c = PostgresFixture.connect();
          Statement s = c.createStatement()) {
        s.execute(
            "INSERT INTO "
                + f.schema
                + ".baton_schema_version (version, script) VALUES (99, 'future')");
      }
      assertThatThrownBy(f::open)
          .isInstanceOf(BatonException.class)
          .hasMessageContaining("version 99")
          .hasMessageContaining("Upgrade Baton");
    }
  }

  @Test
  void h2StartsTwiceOnOneFileAndMigratesOnce() {
    try (H2Fixture f = new H2Fixture()) {
      JdbcStorage a = f.open();
      JdbcStorage b = f.open();
      assertThat(a.now()).isNotNull();
      assertThat(b.recurringJobs()).isEmpty();
    }
  }
}
