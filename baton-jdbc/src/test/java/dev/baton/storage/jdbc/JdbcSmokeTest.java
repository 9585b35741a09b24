package dev.baton.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.concurrency.Concurrency;
import dev.baton.concurrency.Permit;
import dev.baton.concurrency.ReleasePolicy;
import dev.baton.concurrency.WaitPolicy;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.JobSpec;
import dev.baton.storage.JobStorage;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.NewJob;
import dev.baton.storage.RunOutcome;
import dev.baton.tck.StorageFixture;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A quick pass through the main transitions on both databases. */
class JdbcSmokeTest {
  static Stream<Supplier<StorageFixture>> fixtures() {
    return Stream.of(PostgresFixture::new, H2Fixture::new);
  }

  static JobSpec spec(Concurrency c) {
    return new JobSpec(JobId.newId(), "noop", "default", "{}", "{}", 3, null, null, c, null);
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void createClaimFinishWithMutex(Supplier<StorageFixture> factory) {
    try (StorageFixture f = factory.get()) {
      JobStorage s = f.newStorage();
      Concurrency mutex =
          new Concurrency(
              List.of(Permit.mutex("video:1")), WaitPolicy.WAIT, ReleasePolicy.ON_LEAVE_PROCESSING);
      JobSpec a = spec(mutex);
      JobSpec b = spec(mutex);
      s.create(List.of(NewJob.now(a, "test"), NewJob.now(b, "test")));
      List<LeasedJob> leased = s.claim("srv", List.of("default"), 10);
      assertThat(leased).extracting(l -> l.lease().jobId()).containsExactly(a.id());
      assertThat(s.find(b.id()).orElseThrow().state()).isEqualTo(JobState.BLOCKED);
      assertThat(s.find(b.id()).orElseThrow().blocked().holders()).containsExactly(a.id());
      assertThat(
              s.finish(
                  leased.get(0).lease(), "w1", new RunOutcome.Succeeded(Duration.ofHours(1), "ok")))
          .isTrue();
      assertThat(s.find(b.id()).orElseThrow().state()).isEqualTo(JobState.ENQUEUED);
      List<LeasedJob> next = s.claim("srv", List.of("default"), 10);
      assertThat(next).extracting(l -> l.lease().jobId()).containsExactly(b.id());
      assertThat(
              s.finish(
                  leased.get(0).lease(),
                  "w1",
                  new RunOutcome.Succeeded(Duration.ofHours(1), "again")))
          .isFalse();
      assertThat(s.find(a.id()).orElseThrow().history())
          .extracting(h -> h.state())
          .containsExactly(JobState.ENQUEUED, JobState.PROCESSING, JobState.SUCCEEDED);
    }
  }
}
