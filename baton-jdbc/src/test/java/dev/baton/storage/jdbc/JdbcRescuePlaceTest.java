package dev.baton.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.concurrency.Concurrency;
import dev.baton.concurrency.Permit;
import dev.baton.concurrency.ReleasePolicy;
import dev.baton.concurrency.WaitPolicy;
import dev.baton.job.JobId;
import dev.baton.storage.JobSpec;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.NewJob;
import dev.baton.storage.RunOutcome;
import dev.baton.storage.ServerBeat;
import dev.baton.tck.StorageFixture;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A rescued job that had waited behind a key keeps its place in that key's line. */
class JdbcRescuePlaceTest {
  private static final List<String> QUEUES = List.of("default");

  static Stream<Supplier<StorageFixture>> fixtures() {
    return Stream.of(PostgresFixture::new, H2Fixture::new);
  }

  private static JobId create(JdbcStorage s) {
    Concurrency c =
        new Concurrency(
            List.of(Permit.mutex("video:42")), WaitPolicy.WAIT, ReleasePolicy.ON_LEAVE_PROCESSING);
    JobSpec spec = new JobSpec(JobId.newId(), "t", "default", "{}", "{}", 3, null, null, c, null);
    s.create(List.of(NewJob.now(spec, "test")));
    return spec.id();
  }

  private static void succeed(JdbcStorage s, LeasedJob job) {
    assertThat(s.finish(job.lease(), "w", new RunOutcome.Succeeded(Duration.ofDays(1), "ok")))
        .isTrue();
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void aRescuedJobThatWaitedRunsBeforeJobsParkedAfterIt(Supplier<StorageFixture> factory)
      throws Exception {
    try (StorageFixture f = factory.get()) {
      JdbcStorage s = (JdbcStorage) f.newStorage();
      s.heartbeat(new ServerBeat("doomed", "h", QUEUES, 4, List.of()));
      JobId first = create(s);
      JobId rescued = create(s);
      JobId second = create(s);
      List<LeasedJob> holder = s.claim("live", QUEUES, 10);
      assertThat(holder).extracting(l -> l.lease().jobId()).containsExactly(first);
      succeed(s, holder.get(0)); // rescued is woken
      assertThat(s.claim("doomed", QUEUES, 10))
          .extracting(l -> l.lease().jobId())
          .containsExactly(rescued);
      JobId third = create(s);
      assertThat(s.claim("live", QUEUES, 10)).isEmpty(); // third parks behind second

      try (Connection c = s.database().dataSource.getConnection();
          Statement st = c.createStatement()) {
        st.executeUpdate("UPDATE baton_servers SET last_beat = last_beat - INTERVAL '60' SECOND");
      }
      assertThat(s.rescueDeadServers(Duration.ofSeconds(8), "live")).hasSize(1);

      List<JobId> order = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        List<LeasedJob> got = s.claim("live", QUEUES, 10);
        assertThat(got).hasSize(1);
        order.add(got.get(0).lease().jobId());
        succeed(s, got.get(0));
      }
      assertThat(order).containsExactly(rescued, second, third);
    }
  }
}
