package dev.baton.storage.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.concurrency.Concurrency;
import dev.baton.concurrency.Permit;
import dev.baton.concurrency.ReleasePolicy;
import dev.baton.concurrency.WaitPolicy;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.JobSpec;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.NewJob;
import dev.baton.storage.RunOutcome;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Memory-only checks that need no real time to pass. */
class InMemoryStorageSmokeTest {
  private final InMemoryStorage storage = new InMemoryStorage();

  private static JobSpec spec(Permit... permits) {
    Concurrency c =
        new Concurrency(List.of(permits), WaitPolicy.WAIT, ReleasePolicy.ON_LEAVE_PROCESSING);
    return new JobSpec(JobId.newId(), "t", "default", "{}", "{}", 3, null, null, c, null);
  }

  @Test
  void mutexChainRunsInOrderWithoutPolling() {
    JobSpec a = spec(Permit.mutex("k"));
    JobSpec b = spec(Permit.mutex("k"));
    storage.create(List.of(NewJob.now(a, "test"), NewJob.now(b, "test")));

    List<LeasedJob> first = storage.claim("s1", List.of("default"), 10);
    assertThat(first).extracting(l -> l.lease().jobId()).containsExactly(a.id());
    assertThat(storage.find(b.id()).orElseThrow().state()).isEqualTo(JobState.BLOCKED);

    storage.finish(first.get(0).lease(), "w", new RunOutcome.Succeeded(Duration.ofHours(1), ""));
    assertThat(storage.find(b.id()).orElseThrow().state()).isEqualTo(JobState.ENQUEUED);
    assertThat(storage.claim("s1", List.of("default"), 10))
        .extracting(l -> l.lease().jobId())
        .containsExactly(b.id());
  }
}
