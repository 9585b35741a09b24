package dev.baton.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.job.JobId;
import dev.baton.storage.JobSpec;
import dev.baton.storage.NewJob;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Jobs created in the application's own transaction exist exactly when that transaction commits.
 */
class TransactionalEnqueueTest {
  private PostgresFixture fixture;
  private JdbcStorage storage;
  private PGSimpleDataSource app;

  @BeforeEach
  void open() throws SQLException {
    fixture = new PostgresFixture();
    storage = fixture.open();
    app = new PGSimpleDataSource();
    app.setURL(PostgresFixture.URL);
    app.setUser(PostgresFixture.USER);
    try (Connection c = app.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + fixture.schema + ".orders (id INT PRIMARY KEY)");
    }
  }

  @AfterEach
  void close() {
    fixture.close();
  }

  private static NewJob job() {
    return NewJob.now(
        new JobSpec(JobId.newId(), "ship-order", "default", "{}", "{}", 1, null, null, null, null),
        "order placed");
  }

  @Test
  void aCommittedTransactionKeepsTheOrderAndTheJob() {
    NewJob job = job();
    storage.inTransaction(
        app,
        c -> {
          try (Statement s = c.createStatement()) {
            s.execute("INSERT INTO " + fixture.schema + ".orders VALUES (1)");
          }
          return storage.create(c, List.of(job));
        });
    assertThat(storage.find(job.spec().id())).isPresent();
    assertThat(storage.claim("s", List.of("default"), 5)).hasSize(1);
  }

  @Test
  void aRolledBackTransactionLeavesNoJob() {
    NewJob job = job();
    assertThatThrownBy(
            () ->
                storage.inTransaction(
                    app,
                    c -> {
                      storage.create(c, List.of(job));
                      throw new IllegalStateException("payment declined");
                    }))
        .hasMessage("payment declined");
    assertThat(storage.find(job.spec().id())).isEmpty();
    assertThat(storage.claim("s", List.of("default"), 5)).isEmpty();
  }

  @Test
  void theJobIsInvisibleUntilTheApplicationCommits() throws SQLException {
    NewJob job = job();
    try (Connection c = app.getConnection()) {
      c.setAutoCommit(false);
      String schemaBefore = c.getSchema();
      storage.create(c, List.of(job));
      assertThat(c.getSchema()).isEqualTo(schemaBefore);
      assertThat(storage.find(job.spec().id())).isEmpty();
      c.commit();
    }
    assertThat(storage.find(job.spec().id())).isPresent();
  }
}
