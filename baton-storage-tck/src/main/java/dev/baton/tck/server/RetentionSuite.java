package dev.baton.tck.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.client.EnqueueResult;
import dev.baton.job.JobType;
import dev.baton.state.JobState;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/**
 * The retention plugin purges succeeded jobs once their retention has passed, and failed jobs only
 * when a failed-job retention is set.
 */
public abstract class RetentionSuite extends ServerSuite {
  public record Nothing(int n) {}

  static final JobType<Nothing> NOOP = JobType.of("tck.noop", Nothing.class);
  static final JobType<Nothing> BROKEN =
      JobType.of("tck.broken", Nothing.class).withOptions(o -> o.maxAttempts(1));

  private final Queue<String> ran = new ConcurrentLinkedQueue<>();

  @Test
  void succeededJobsArePurgedAfterRetention() {
    startServer(
        fastConfig("purger")
            .retention(Duration.ofMillis(300))
            .purgeInterval(Duration.ofMillis(100))
            .build(),
        b -> b.handle(NOOP, (args, ctx) -> {}));
    EnqueueResult r = client().enqueue(NOOP, new Nothing(1));
    awaitState(r.id(), JobState.SUCCEEDED);
    await().atMost(PROMPTLY).until(() -> client().find(r.id()).isEmpty());
  }

  @Test
  void failedJobsAreKeptWithoutAFailedRetention() throws InterruptedException {
    startBrokenServer(null);
    EnqueueResult r = client().enqueue(BROKEN, new Nothing(1));
    awaitState(r.id(), JobState.FAILED);
    Thread.sleep(1_000); // ten purge ticks
    assertThat(client().find(r.id())).map(v -> v.state()).contains(JobState.FAILED);
  }

  @Test
  void failedJobsArePurgedAfterTheFailedRetentionWithTheirWaitingContinuations() {
    startBrokenServer(Duration.ofMillis(600));
    EnqueueResult failed = client().enqueue(BROKEN, new Nothing(1));
    EnqueueResult next = client().continueWith(failed.id(), NOOP, new Nothing(2));
    EnqueueResult ok = client().enqueue(NOOP, new Nothing(3));
    awaitState(failed.id(), JobState.FAILED);
    assertThat(client().find(next.id())).map(v -> v.state()).contains(JobState.AWAITING);

    await().atMost(PROMPTLY).until(() -> client().find(failed.id()).isEmpty());
    await().atMost(PROMPTLY).until(() -> client().find(next.id()).isEmpty());
    assertThat(ran).containsExactlyInAnyOrder("broken 1", "noop 3");
    assertThat(client().find(ok.id())).map(v -> v.state()).contains(JobState.SUCCEEDED);
  }

  @Test
  void aFailedJobRequeuedInTimeIsNotPurged() {
    startBrokenServer(Duration.ofMillis(800));
    EnqueueResult r = client().schedule(BROKEN, new Nothing(1), Duration.ofMillis(1));
    awaitState(r.id(), JobState.FAILED);
    // The next run fails again; its new failure time starts a new retention period.
    client().requeue(r.id());
    await().atMost(PROMPTLY).until(() -> ran.size() == 2);
    awaitState(r.id(), JobState.FAILED);
    assertThat(client().find(r.id()).orElseThrow().history())
        .extracting(e -> e.state())
        .doesNotContain(JobState.DELETED);
    await().atMost(PROMPTLY).until(() -> client().find(r.id()).isEmpty());
  }

  private void startBrokenServer(Duration failedRetention) {
    startServer(
        fastConfig("purger")
            .failedRetention(failedRetention)
            .purgeInterval(Duration.ofMillis(100))
            .build(),
        b ->
            b.handle(NOOP, (args, ctx) -> ran.add("noop " + args.n()))
                .handle(
                    BROKEN,
                    (args, ctx) -> {
                      ran.add("broken " + args.n());
                      throw new IllegalStateException("broken for good");
                    }));
  }
}
