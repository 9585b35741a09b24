package dev.baton.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.BatonException;
import dev.baton.storage.ServerBeat;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No storage call blocks past {@link JdbcStorage#longestCall()}: a statement that waits for a lock
 * fails after the statement timeout instead of waiting for the lock's holder.
 */
class JdbcCallTimeoutsTest {
  interface Fixture extends AutoCloseable {
    JdbcStorageBuilder builder();

    JdbcStorage register(JdbcStorage s);

    @Override
    void close();
  }

  static Stream<Supplier<Fixture>> fixtures() {
    return Stream.of(
        () -> {
          PostgresFixture f = new PostgresFixture();
          return new Fixture() {
            public JdbcStorageBuilder builder() {
              return f.builder();
            }

            public JdbcStorage register(JdbcStorage s) {
              return f.register(s);
            }

            public void close() {
              f.close();
            }
          };
        },
        () -> {
          H2Fixture f = new H2Fixture();
          List<JdbcStorage> opened = new java.util.ArrayList<>();
          return new Fixture() {
            public JdbcStorageBuilder builder() {
              return JdbcStorage.h2File(f.directory);
            }

            public JdbcStorage register(JdbcStorage s) {
              opened.add(s);
              return s;
            }

            public void close() {
              opened.forEach(JdbcStorage::close);
              f.close();
            }
          };
        });
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void theDefaultLongestCallIsWellBelowTheDefaultServerTimeout(Supplier<Fixture> factory) {
    try (Fixture f = factory.get()) {
      JdbcStorage s = f.register(f.builder().build());
      assertThat(s.longestCall()).isEqualTo(Duration.ofSeconds(5));
      JdbcStorage shorter =
          f.register(
              f.builder()
                  .connectionTimeout(Duration.ofMillis(500))
                  .statementTimeout(Duration.ofMillis(700))
                  .build());
      assertThat(shorter.longestCall()).isLessThanOrEqualTo(Duration.ofMillis(1500));
    }
  }

  // On H2 this beat used to wait 10 s: the migration handed its lock connection back to the pool
  // with the URL's LOCK_TIMEOUT (10 s) instead of the statement timeout.
  @ParameterizedTest
  @MethodSource("fixtures")
  void aHeartbeatWaitingForALockFailsAfterTheStatementTimeout(Supplier<Fixture> factory)
      throws Exception {
    try (Fixture f = factory.get()) {
      if (false)
        org.junit.jupiter.api.Assumptions.assumeTrue(
            f.builder().describe().startsWith("PostgreSQL"), "PostgreSQL only for now");
      JdbcStorage s = f.register(f.builder().statementTimeout(Duration.ofMillis(500)).build());
      ServerBeat beat = new ServerBeat("a", "host", List.of("default"), 4, List.of());
      s.heartbeat(beat);
      try (Connection c = s.database().dataSource.getConnection();
          Statement st = c.createStatement()) {
        c.setAutoCommit(false);
        st.executeUpdate("UPDATE baton_servers SET workers = 5 WHERE id = 'a'");
        long start = System.nanoTime();
        CompletableFuture<Object> call = CompletableFuture.supplyAsync(() -> s.heartbeat(beat));
        // Generous bound for a loaded machine; without a statement timeout the beat waits for
        // the lock's holder (here: for ever).
        assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS))
            .hasCauseInstanceOf(BatonException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        c.rollback();
      }
    }
  }

  /**
   * A migration is not a storage call: it may wait for a busy table, or rebuild an index on a large
   * one, far longer than the statement timeout. Here version 4 (an index rebuild) waits 1.5 s for a
   * lock held by another transaction, under a 200 ms statement timeout.
   */
  @ParameterizedTest
  @MethodSource("fixtures")
  void aMigrationIsNotCutOffByTheStatementTimeout(Supplier<Fixture> factory) throws Exception {
    try (Fixture f = factory.get()) {
      JdbcStorage older = f.register(f.builder().build());
      boolean pg = f.builder().describe().startsWith("PostgreSQL");
      try (Connection c = older.database().dataSource.getConnection();
          Statement st = c.createStatement()) {
        // Back to version 3, as a database upgraded from the previous release would be.
        st.execute("DROP TABLE baton_batches");
        st.execute("ALTER TABLE baton_jobs DROP COLUMN batch_id");
        st.execute("DELETE FROM baton_schema_version WHERE version = 6");
        st.execute("DROP TABLE baton_previous_runs");
        st.execute("DELETE FROM baton_schema_version WHERE version = 5");
        st.execute("DROP TABLE baton_stats");
        st.execute("DROP TABLE baton_server_events");
        if (pg) {
          st.execute("DROP INDEX baton_jobs_parent");
        }
        st.execute("DELETE FROM baton_schema_version WHERE version = 4");
        c.setAutoCommit(false);
        st.executeUpdate("UPDATE baton_jobs SET state = state WHERE id IS NULL");
        CompletableFuture<JdbcStorage> upgrade =
            CompletableFuture.supplyAsync(
                () -> f.register(f.builder().statementTimeout(Duration.ofMillis(200)).build()));
        Thread.sleep(1_500);
        assertThat(upgrade).isNotDone();
        c.rollback();
        JdbcStorage upgraded = upgrade.get(60, TimeUnit.SECONDS);
        assertThat(upgraded.stats(java.time.Instant.EPOCH, java.time.Instant.now())).isEmpty();
      }
    }
  }
}
