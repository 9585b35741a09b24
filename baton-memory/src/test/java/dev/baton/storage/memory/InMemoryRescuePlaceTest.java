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
import dev.baton.storage.ServerBeat;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A rescued job that had waited behind a key keeps its place in that key's line. */
class InMemoryRescuePlaceTest {
  private static final List<String> QUEUES = List.of("default");
  private static final Permit MUTEX = Permit.mutex("video:42");
  private final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final InMemoryStorage storage = new InMemoryStorage(clock);

  private JobId create() {
    Concurrency c =
        new Concurrency(List.of(MUTEX), WaitPolicy.WAIT, ReleasePolicy.ON_LEAVE_PROCESSING);
    JobSpec s = new JobSpec(JobId.newId(), "t", "default", "{}", "{}", 3, null, null, c, null);
    storage.create(List.of(NewJob.now(s, "test")));
    return s.id();
  }

  private List<LeasedJob> claim(String server) {
    return storage.claim(server, QUEUES, 10);
  }

  private void succeed(LeasedJob job) {
    assertThat(storage.finish(job.lease(), "w", new RunOutcome.Succeeded(Duration.ofDays(1), "ok")))
        .isTrue();
  }

  @Test
  void aRescuedJobThatWaitedRunsBeforeJobsParkedAfterIt() {
    storage.heartbeat(new ServerBeat("live", "h", QUEUES, 4, List.of()));
    storage.heartbeat(new ServerBeat("doomed", "h", QUEUES, 4, List.of()));
    JobId first = create();
    JobId rescued = create();
    JobId second = create();
    List<LeasedJob> holder = claim("live"); // first runs; rescued and second park behind it
    assertThat(holder).extracting(l -> l.lease().jobId()).containsExactly(first);
    succeed(holder.get(0)); // rescued is woken
    assertThat(claim("doomed")).extracting(l -> l.lease().jobId()).containsExactly(rescued);
    JobId third = create();
    assertThat(claim("live")).isEmpty(); // third parks behind second

    clock.advance(Duration.ofSeconds(10));
    storage.heartbeat(new ServerBeat("live", "h", QUEUES, 4, List.of()));
    assertThat(storage.rescueDeadServers(Duration.ofSeconds(8), "live")).hasSize(1);

    List<JobId> order = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      List<LeasedJob> got = claim("live");
      assertThat(got).hasSize(1);
      order.add(got.get(0).lease().jobId());
      succeed(got.get(0));
    }
    assertThat(order).containsExactly(rescued, second, third);
    assertThat(storage.find(third).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
  }
}
