package dev.baton.tck.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.client.EnqueueResult;
import dev.baton.client.JobView;
import dev.baton.job.JobOptions;
import dev.baton.job.JobType;
import dev.baton.job.RetryBackoff;
import dev.baton.state.JobState;
import dev.baton.state.StateEntry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Failures are retried with the job's backoff until its attempts run out, then fail for good. */
public abstract class RetrySuite extends ServerSuite {
  public record Work(int failures) {}

  static final JobType<Work> FLAKY =
      JobType.of("tck.flaky", Work.class)
          .withOptions(
              o -> o.maxAttempts(3).retryBackoff(RetryBackoff.fixed(Duration.ofMillis(100))));

  private final AtomicInteger runs = new AtomicInteger();

  private void startFlakyServer() {
    startServer(
        fastConfig("retrier").build(),
        b ->
            b.handle(
                FLAKY,
                (args, ctx) -> {
                  runs.incrementAndGet();
                  if (ctx.attempt() <= args.failures()) {
                    throw new IllegalStateException("planned failure " + ctx.attempt());
                  }
                }));
  }

  @Test
  void failuresAreRetriedWithBackoffThenTheJobFailsWithTheException() {
    startFlakyServer();
    EnqueueResult r = client().enqueue(FLAKY, new Work(99));

    JobView failed = awaitState(r.id(), JobState.FAILED);
    assertThat(runs).hasValue(3);
    assertThat(failed.attempt()).isEqualTo(3);
    List<StateEntry> retries = entries(failed, JobState.SCHEDULED);
    assertThat(retries).hasSize(2);
    assertThat(retries.get(0).exception().type()).isEqualTo(IllegalStateException.class.getName());
    assertThat(retries.get(0).exception().message()).isEqualTo("planned failure 1");
    assertThat(retries.get(0).reason()).contains("attempt 1 of 3 failed, retry in 100 ms");
    StateEntry last = entries(failed, JobState.FAILED).get(0);
    assertThat(last.exception().message()).isEqualTo("planned failure 3");
    assertThat(last.exception().stackTrace()).contains("IllegalStateException");
    assertThat(last.reason()).contains("attempt 3 of 3 failed, no attempts left");
    // The backoff is honoured: each retry becomes due no sooner than 100 ms after it failed.
    List<StateEntry> enqueued = entries(failed, JobState.ENQUEUED);
    assertThat(Duration.between(retries.get(0).at(), enqueued.get(1).at()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(100));
  }

  @Test
  void aRetryThatSucceedsEndsSucceededAtItsAttempt() {
    startFlakyServer();
    EnqueueResult r = client().enqueue(FLAKY, new Work(1));
    JobView done = awaitState(r.id(), JobState.SUCCEEDED);
    assertThat(runs).hasValue(2);
    assertThat(done.attempt()).isEqualTo(2);
    assertThat(entries(done, JobState.SCHEDULED)).hasSize(1);
  }

  @Test
  void withoutAttemptsLeftTheFirstFailureIsFinal() {
    startFlakyServer();
    EnqueueResult r =
        client().enqueue(FLAKY, new Work(1), JobOptions.builder().maxAttempts(1).build());
    JobView failed = awaitState(r.id(), JobState.FAILED);
    assertThat(runs).hasValue(1);
    assertThat(entries(failed, JobState.SCHEDULED)).isEmpty();
  }
}
