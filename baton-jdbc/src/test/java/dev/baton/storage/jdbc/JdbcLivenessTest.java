package dev.baton.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.concurrency.Concurrency;
import dev.baton.concurrency.Permit;
import dev.baton.concurrency.ReleasePolicy;
import dev.baton.concurrency.WaitPolicy;
import dev.baton.job.JobId;
import dev.baton.storage.Completion;
import dev.baton.storage.JobSpec;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.NewJob;
import dev.baton.storage.RescuedServer;
import dev.baton.storage.RunOutcome;
import dev.baton.storage.ServerBeat;
import dev.baton.storage.ServerRecord;
import dev.baton.tck.StorageFixture;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who may be declared dead, on PostgreSQL and H2: never the rescuer itself, and never a server
 * whose claims or finishes keep coming while its heartbeats do not. Silence is made by moving the
 * stored last beats a minute back, so no test waits for a timeout.
 */
class JdbcLivenessTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(8);
  private static final List<String> QUEUES = List.of("default");
  private static final RunOutcome OK = new RunOutcome.Succeeded(Duration.ofDays(1), "ok");

  static Stream<Supplier<StorageFixture>> fixtures() {
    return Stream.of(PostgresFixture::new, H2Fixture::new);
  }

  private static void beat(JdbcStorage s, String server) {
    s.heartbeat(new ServerBeat(server, "host", QUEUES, 4, List.of()));
  }

  /** Every registered server as if it had been silent for a minute. */
  private static void age(JdbcStorage s) throws SQLException {
    try (Connection c = s.database().dataSource.getConnection();
        Statement st = c.createStatement()) {
      st.executeUpdate("UPDATE baton_servers SET last_beat = last_beat - INTERVAL '60' SECOND");
    }
  }

  private static List<String> rescuedBy(JdbcStorage s, String rescuer) {
    return s.rescueDeadServers(TIMEOUT, rescuer).stream().map(RescuedServer::serverId).toList();
  }

  private static JobId create(JdbcStorage s, Permit... permits) {
    Concurrency c =
        permits.length == 0
            ? null
            : new Concurrency(List.of(permits), WaitPolicy.WAIT, ReleasePolicy.ON_LEAVE_PROCESSING);
    JobSpec spec = new JobSpec(JobId.newId(), "t", "default", "{}", "{}", 3, null, null, c, null);
    s.create(List.of(NewJob.now(spec, "test")));
    return spec.id();
  }

  private static JdbcStorage open(StorageFixture f) {
    return (JdbcStorage) f.newStorage();
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void aServerDoesNotRescueItselfButAPeerDoes(Supplier<StorageFixture> factory) throws Exception {
    try (StorageFixture f = factory.get()) {
      JdbcStorage s = open(f);
      beat(s, "a");
      beat(s, "b");
      age(s);
      assertThat(rescuedBy(s, "a")).containsExactly("b");
      assertThat(s.servers()).extracting(ServerRecord::serverId).containsExactly("a");
      assertThat(rescuedBy(s, "c")).containsExactly("a");
    }
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void claimsKeepAServerAlive(Supplier<StorageFixture> factory) throws Exception {
    try (StorageFixture f = factory.get()) {
      JdbcStorage s = open(f);
      beat(s, "a");
      age(s);
      s.claim("a", QUEUES, 10); // even a claim that finds nothing proves life
      assertThat(rescuedBy(s, "b")).isEmpty();

      age(s);
      s.claimOrOffer("a", QUEUES, 10, Duration.ofSeconds(1));
      assertThat(rescuedBy(s, "b")).isEmpty();

      create(s, Permit.mutex("k")); // a claim through admission (a transaction of its own)
      age(s);
      assertThat(s.claim("a", QUEUES, 10)).hasSize(1);
      assertThat(rescuedBy(s, "b")).isEmpty();
    }
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void finishesKeepAServerAlive(Supplier<StorageFixture> factory) throws Exception {
    try (StorageFixture f = factory.get()) {
      JdbcStorage s = open(f);
      beat(s, "a");
      create(s);
      create(s);
      create(s, Permit.mutex("k"));
      List<LeasedJob> jobs = s.claim("a", QUEUES, 3);
      assertThat(jobs).hasSize(3);

      age(s);
      assertThat(s.finish(jobs.get(0).lease(), "w", OK)).isTrue();
      assertThat(rescuedBy(s, "b")).isEmpty();

      age(s);
      assertThat(s.finishAll(List.of(new Completion(jobs.get(1).lease(), "w", OK))))
          .containsExactly(true);
      assertThat(rescuedBy(s, "b")).isEmpty();

      age(s); // the careful path (a job with permits)
      assertThat(s.finishAll(List.of(new Completion(jobs.get(2).lease(), "w", OK))))
          .containsExactly(true);
      assertThat(rescuedBy(s, "b")).isEmpty();

      age(s);
      assertThat(rescuedBy(s, "b")).containsExactly("a");
    }
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void aServerDeclaredDeadIsNotRegisteredAgainByItsCalls(Supplier<StorageFixture> factory)
      throws Exception {
    try (StorageFixture f = factory.get()) {
      JdbcStorage s = open(f);
      beat(s, "a");
      create(s);
      List<LeasedJob> jobs = s.claim("a", QUEUES, 1);
      age(s);
      assertThat(rescuedBy(s, "b")).containsExactly("a");

      s.claim("a", QUEUES, 10);
      s.finishAll(List.of(new Completion(jobs.get(0).lease(), "w", OK)));
      assertThat(s.servers()).isEmpty();
      assertThat(s.heartbeat(new ServerBeat("a", "host", QUEUES, 4, List.of())).wasRegistered())
          .isFalse();
    }
  }
}
