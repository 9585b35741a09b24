package dev.baton.tck.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.client.EnqueueResult;
import dev.baton.client.JobView;
import dev.baton.job.JobType;
import dev.baton.server.BatonServer;
import dev.baton.state.JobState;
import dev.baton.state.StateEntry;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Graceful shutdown: tokens fire, the grace period passes, and what still runs goes back to the
 * head of its queue without spending an attempt, for another server to pick up.
 */
public abstract class ShutdownSuite extends ServerSuite {
  public record Job(String name, boolean cooperative) {}

  static final JobType<Job> JOB = JobType.of("tck.shutdown", Job.class);

  private final Queue<String> ranOnB = new ConcurrentLinkedQueue<>();
  private final CountDownLatch startedOnA = new CountDownLatch(1);
  private final CountDownLatch stubbornMayEnd = new CountDownLatch(1);

  private BatonServer startA() {
    return startServer(
        fastConfig("stopping-a").workers(1).shutdownGrace(Duration.ofMillis(300)).build(),
        b ->
            b.handle(
                JOB,
                (args, ctx) -> {
                  startedOnA.countDown();
                  if (args.cooperative()) {
                    while (true) {
                      ctx.throwIfCancellationRequested();
                      Thread.sleep(5);
                    }
                  }
                  stubbornMayEnd.await(10, TimeUnit.SECONDS); // ignores its token
                }));
  }

  private void startB() {
    startServer(
        fastConfig("successor-b").workers(1).build(),
        b -> b.handle(JOB, (args, ctx) -> ranOnB.add(args.name())));
  }

  @Test
  void aJobStillRunningAfterTheGraceIsReleasedToTheHeadAndRunsElsewhere() throws Exception {
    BatonServer a = startA();
    EnqueueResult stubborn = client().enqueue(JOB, new Job("stubborn", false));
    assertThat(startedOnA.await(5, TimeUnit.SECONDS)).isTrue();
    EnqueueResult queuedBehind = client().enqueue(JOB, new Job("behind", false));

    a.close();
    JobView released = view(stubborn.id());
    assertThat(released.state()).isEqualTo(JobState.ENQUEUED);
    assertThat(released.attempt()).isEqualTo(1);
    StateEntry entry = released.lastEntry();
    assertThat(entry.reason()).contains("stopping-a").contains("without spending an attempt");
    stubbornMayEnd.countDown();

    startB();
    awaitState(queuedBehind.id(), JobState.SUCCEEDED);
    JobView done = awaitState(stubborn.id(), JobState.SUCCEEDED);
    assertThat(ranOnB).containsExactly("stubborn", "behind");
    assertThat(done.attempt()).isEqualTo(1);
    assertThat(entries(done, JobState.FAILED)).isEmpty();
  }

  @Test
  void aJobThatStopsOnItsTokenIsReleasedWithoutSpendingAnAttempt() throws Exception {
    BatonServer a = startA();
    EnqueueResult r = client().enqueue(JOB, new Job("cooperative", true));
    assertThat(startedOnA.await(5, TimeUnit.SECONDS)).isTrue();

    a.close();
    JobView released = view(r.id());
    assertThat(released.state()).isEqualTo(JobState.ENQUEUED);
    assertThat(released.attempt()).isEqualTo(1);
    assertThat(released.lastEntry().reason())
        .contains("shutting down")
        .contains("without spending an attempt");
    assertThat(entries(released, JobState.SCHEDULED)).isEmpty();

    startB();
    awaitState(r.id(), JobState.SUCCEEDED);
  }

  @Test
  void aStoppedServerIsNoLongerRegistered() {
    BatonServer a = startA();
    a.close();
    assertThat(a.isRunning()).isFalse();
    a.close(); // idempotent
  }
}
