package dev.baton.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.job.JobId;
import dev.baton.storage.Completion;
import dev.baton.storage.JobSpec;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.NewJob;
import dev.baton.storage.RescuedServer;
import dev.baton.storage.RunOutcome;
import dev.baton.storage.ServerBeat;
import dev.baton.tck.StorageFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A claim's or a finish's transaction never locks its server's row: a server frozen (or cut off)
 * before its commit would keep the row locked, and the rescue, which skips locked server rows,
 * would never declare it dead. The frozen server is played by a connection that runs the work of a
 * claim or a finish transaction and does not commit.
 */
class JdbcRenewalLockTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(8);
  private static final List<String> QUEUES = List.of("default");

  static Stream<Supplier<StorageFixture>> fixtures() {
    return Stream.of(PostgresFixture::new, H2Fixture::new);
  }

  private static void age(JdbcStorage s) throws SQLException {
    try (Connection c = s.database().dataSource.getConnection();
        Statement st = c.createStatement()) {
      st.executeUpdate("UPDATE baton_servers SET last_beat = last_beat - INTERVAL '60' SECOND");
    }
  }

  /** Whether another transaction holds a lock on the server's row. */
  private static boolean locked(JdbcStorage s, String server) throws SQLException {
    try (Connection c = s.database().dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps =
          c.prepareStatement("SELECT id FROM baton_servers WHERE id = ? FOR UPDATE SKIP LOCKED")) {
        ps.setString(1, server);
        try (ResultSet rs = ps.executeQuery()) {
          return !rs.next();
        }
      } finally {
        c.rollback();
      }
    }
  }

  private static JdbcStorage open(StorageFixture f, String server) {
    JdbcStorage s = (JdbcStorage) f.newStorage();
    s.heartbeat(new ServerBeat(server, "host", QUEUES, 4, List.of()));
    return s;
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void aServerFrozenInItsClaimTransactionIsRescued(Supplier<StorageFixture> factory)
      throws Exception {
    try (StorageFixture f = factory.get()) {
      JdbcStorage s = open(f, "a");
      age(s);
      try (Connection c = s.database().dataSource.getConnection()) {
        c.setAutoCommit(false);
        try {
          ClaimOp.claim(new Tx(c, s.database().dialect), "a", QUEUES, 10, false);
          assertThat(locked(s, "a")).isFalse();
          assertThat(s.rescueDeadServers(TIMEOUT, "b").stream().map(RescuedServer::serverId))
              .containsExactly("a");
        } finally {
          c.rollback();
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void aFinishTransactionLeavesItsServerRowUnlocked(Supplier<StorageFixture> factory)
      throws Exception {
    try (StorageFixture f = factory.get()) {
      JdbcStorage s = open(f, "a");
      JobSpec spec =
          new JobSpec(JobId.newId(), "t", "default", "{}", "{}", 3, null, null, null, null);
      s.create(List.of(NewJob.now(spec, "test")));
      List<LeasedJob> jobs = s.claim("a", QUEUES, 1);
      assertThat(jobs).hasSize(1);
      assertThat(locked(s, "a")).isFalse(); // the call has returned
      age(s);
      Completion done =
          new Completion(
              jobs.get(0).lease(), "w", new RunOutcome.Succeeded(Duration.ofDays(1), "ok"));
      try (Connection c = s.database().dataSource.getConnection()) {
        c.setAutoCommit(false);
        try {
          assertThat(FinishBatcher.finishAll(new Tx(c, s.database().dialect), List.of(done)))
              .containsExactly(true);
          assertThat(locked(s, "a")).isFalse();
        } finally {
          c.rollback();
        }
      }
      assertThat(s.finishAll(List.of(done))).containsExactly(true);
      assertThat(locked(s, "a")).isFalse();
      assertThat(s.rescueDeadServers(TIMEOUT, "b")).isEmpty(); // renewed after the commit
    }
  }
}
