package dev.baton.tck.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.client.EnqueueResult;
import dev.baton.client.JobView;
import dev.baton.job.JobOptions;
import dev.baton.job.JobType;
import dev.baton.job.RetryBackoff;
import dev.baton.state.JobState;
import dev.baton.state.StateEntry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Per-job execution timeouts: past the timeout the token fires, a grace later the thread is
 * interrupted, and a handler that has still not returned a grace after that is given up; each way
 * the attempt fails with a reason that says so (and is retried as any failure), and a job that
 * never returns no longer holds a worker.
 */
public abstract class TimeoutSuite extends ServerSuite {
  public record Work(String name) {}

  private static final Duration TIMEOUT = Duration.ofMillis(300);
  private static final Duration GRACE = Duration.ofMillis(300);
  private static final JobOptions ONE_ATTEMPT = JobOptions.builder().maxAttempts(1).build();

  static final JobType<Work> COOPERATIVE =
      JobType.of("tck.timeout.cooperative", Work.class).withOptions(o -> o.timeout(TIMEOUT));
  static final JobType<Work> SLEEPER =
      JobType.of("tck.timeout.sleeper", Work.class).withOptions(o -> o.timeout(TIMEOUT));
  static final JobType<Work> STUCK =
      JobType.of("tck.timeout.stuck", Work.class).withOptions(o -> o.timeout(TIMEOUT));
  static final JobType<Work> PLAIN = JobType.of("tck.timeout.plain", Work.class);

  private final AtomicInteger cooperativeRuns = new AtomicInteger();
  private final AtomicInteger plainRuns = new AtomicInteger();
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch stuckReturned = new CountDownLatch(1);

  private void startServer(int workers) {
    startServer(
        fastConfig("timeouts").workers(workers).timeoutGrace(GRACE).build(),
        b ->
            b.handle(
                    COOPERATIVE,
                    (args, ctx) -> {
                      cooperativeRuns.incrementAndGet();
                      while (!ctx.isCancellationRequested()) {
                        Thread.sleep(5);
                      }
                      ctx.throwIfCancellationRequested();
                    })
                .handle(SLEEPER, (args, ctx) -> Thread.sleep(60_000)) // ignores its token
                .handle(
                    STUCK,
                    (args, ctx) -> {
                      // ignores its token and its interrupt: never returns until the test says so
                      boolean done = false;
                      while (!done) {
                        try {
                          done = release.await(10, TimeUnit.SECONDS);
                        } catch (InterruptedException ignored) {
                          // on purpose
                        }
                      }
                      stuckReturned.countDown();
                    })
                .handle(
                    PLAIN,
                    (args, ctx) -> {
                      plainRuns.incrementAndGet();
                      if (args.name().startsWith("slow")) {
                        Thread.sleep(1500);
                      }
                    }));
  }

  private static StateEntry last(JobView view) {
    return view.history().get(view.history().size() - 1);
  }

  @Test
  void aJobThatStopsOnItsTokenPastItsTimeoutFailsSayingItTimedOut() {
    startServer(2);
    EnqueueResult r = client().enqueue(COOPERATIVE, new Work("c"), ONE_ATTEMPT);

    JobView failed = awaitState(r.id(), JobState.FAILED);

    assertThat(last(failed).reason()).contains("timed out").contains(TIMEOUT.toString());
    assertThat(cooperativeRuns).hasValue(1);
  }

  @Test
  void aTimedOutAttemptIsRetriedAsAnyFailure() {
    startServer(2);
    JobOptions twice =
        JobOptions.builder()
            .maxAttempts(2)
            .retryBackoff(RetryBackoff.fixed(Duration.ofMillis(10)))
            .build();
    EnqueueResult r = client().enqueue(COOPERATIVE, new Work("twice"), twice);

    JobView failed = awaitState(r.id(), JobState.FAILED);

    assertThat(cooperativeRuns).hasValue(2);
    assertThat(entries(failed, JobState.SCHEDULED)).hasSize(1);
    assertThat(entries(failed, JobState.SCHEDULED).get(0).reason()).contains("timed out");
  }

  @Test
  void aJobThatIgnoresItsTokenIsInterruptedAfterTheGrace() {
    startServer(2);
    long start = System.nanoTime();
    EnqueueResult r = client().enqueue(SLEEPER, new Work("s"), ONE_ATTEMPT);

    JobView failed = awaitState(r.id(), JobState.FAILED);

    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(last(failed).reason()).contains("timed out").contains("Interrupted");
    assertThat(took).isGreaterThanOrEqualTo(TIMEOUT.plus(GRACE)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aJobThatNeverReturnsIsGivenUpAndNoLongerHoldsItsWorker() throws Exception {
    startServer(1); // one worker: the next job runs only if the stuck one's worker is replaced
    EnqueueResult stuck = client().enqueue(STUCK, new Work("stuck"), ONE_ATTEMPT);

    JobView failed = awaitState(stuck.id(), JobState.FAILED);
    assertThat(last(failed).reason()).contains("timed out").contains("given up");

    EnqueueResult next = client().enqueue(PLAIN, new Work("next"));
    awaitState(next.id(), JobState.SUCCEEDED);

    release.countDown(); // the stuck handler returns at last: its result is dropped
    assertThat(stuckReturned.await(5, TimeUnit.SECONDS)).isTrue();
    await()
        .during(Duration.ofMillis(300))
        .atMost(PROMPTLY)
        .until(() -> view(stuck.id()).state() == JobState.FAILED);
    EnqueueResult after = client().enqueue(PLAIN, new Work("after"));
    awaitState(after.id(), JobState.SUCCEEDED);
  }

  @Test
  void aTimeoutGivenAtEnqueueAppliesToThatJobOnly() {
    startServer(2);
    EnqueueResult timed =
        client()
            .enqueue(
                PLAIN,
                new Work("slow-timed"),
                JobOptions.builder().maxAttempts(1).timeout(TIMEOUT).build());
    EnqueueResult untimed = client().enqueue(PLAIN, new Work("slow-untimed"), ONE_ATTEMPT);

    // The sleeping handler is interrupted after the grace (it ignores its token) and fails.
    JobView failed = awaitState(timed.id(), JobState.FAILED);
    JobView succeeded = awaitState(untimed.id(), JobState.SUCCEEDED);

    assertThat(last(failed).reason()).contains("timed out");
    assertThat(last(succeeded).reason()).doesNotContain("timed out", "past its timeout");
  }

  @Test
  void aJobWithinItsTimeoutSucceeds() {
    startServer(2);
    EnqueueResult r =
        client().enqueue(PLAIN, new Work("quick"), JobOptions.builder().timeout(TIMEOUT).build());

    JobView done = awaitState(r.id(), JobState.SUCCEEDED);

    assertThat(last(done).reason()).doesNotContain("timed out", "past its timeout");
    List<StateEntry> failures = entries(done, JobState.FAILED);
    assertThat(failures).isEmpty();
  }
}
