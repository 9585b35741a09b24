package dev.baton.tck.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.client.BatonClient;
import dev.baton.client.EnqueueResult;
import dev.baton.client.JobView;
import dev.baton.job.JobType;
import dev.baton.state.JobState;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A running job's cancellation fires within a second when another application instance deletes or
 * requeues it; the cancelled run writes nothing.
 */
public abstract class CancellationSuite extends ServerSuite {
  public record Wait(String name) {}

  static final JobType<Wait> LONG = JobType.of("tck.long", Wait.class);

  private final CountDownLatch started = new CountDownLatch(1);
  private final Queue<String> cancelReasons = new ConcurrentLinkedQueue<>();
  private final AtomicInteger runs = new AtomicInteger();

  private void startLongRunner() {
    startServer(
        fastConfig("canceller").build(),
        b ->
            b.handle(
                LONG,
                (args, ctx) -> {
                  if (runs.incrementAndGet() > 1) {
                    return; // a second run (after a requeue) ends at once
                  }
                  runUntilCancelled(ctx, started, cancelReasons);
                }));
  }

  @Test
  void deletingARunningJobFromAnotherInstanceCancelsItWithinASecond() throws Exception {
    startLongRunner();
    EnqueueResult r = client().enqueue(LONG, new Wait("doomed"));
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

    BatonClient other = otherClient();
    assertThat(other.delete(r.id())).isTrue();
    await().atMost(Duration.ofSeconds(1)).until(() -> !cancelReasons.isEmpty());
    assertThat(cancelReasons.peek()).contains("lease revoked");

    await()
        .during(Duration.ofMillis(300))
        .atMost(PROMPTLY)
        .until(() -> view(r.id()).state() == JobState.DELETED);
    JobView deleted = view(r.id());
    assertThat(deleted.history().get(deleted.history().size() - 1).state())
        .isEqualTo(JobState.DELETED);
  }

  @Test
  void requeueingARunningJobCancelsItAndItRunsAgain() throws Exception {
    startLongRunner();
    EnqueueResult r = client().enqueue(LONG, new Wait("again"));
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

    assertThat(otherClient().requeue(r.id())).isTrue();
    await().atMost(Duration.ofSeconds(1)).until(() -> !cancelReasons.isEmpty());

    JobView done = awaitState(r.id(), JobState.SUCCEEDED);
    assertThat(runs).hasValue(2);
    assertThat(done.attempt()).isEqualTo(1);
    assertThat(entries(done, JobState.FAILED)).isEmpty();
  }
}
