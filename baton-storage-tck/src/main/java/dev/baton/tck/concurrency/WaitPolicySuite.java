package dev.baton.tck.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.client.JobView;
import dev.baton.concurrency.WaitPolicy;
import dev.baton.job.JobId;
import dev.baton.job.JobOptions;
import dev.baton.job.JobType;
import dev.baton.state.JobState;
import dev.baton.state.StateEntry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Wait policies end to end: Hangfire's reschedule-then-delete, and a bounded wait that fails the
 * job.
 */
public abstract class WaitPolicySuite extends ConcurrencySuite {
  /** Arguments: whether this job holds the key until told to finish. */
  public record Step(boolean hold) {}

  static final JobType<Step> GUARDED =
      JobType.of("tck-wait-policy", Step.class).withOptions(o -> o.mutex("guarded"));

  private final CountDownLatch finish = new CountDownLatch(1);

  private JobId startHolder() {
    startServer(
        "policy",
        3,
        b ->
            b.handle(
                GUARDED,
                (args, ctx) -> {
                  if (args.hold()) {
                    finish.await(PATIENCE.toSeconds(), TimeUnit.SECONDS);
                  }
                }));
    JobId holder = enqueue(GUARDED, new Step(true));
    awaitState(holder, JobState.PROCESSING);
    return holder;
  }

  @Test
  void rescheduleRetriesLaterAndDeletesAfterMaxAttempts() {
    JobId holder = startHolder();
    JobOptions hangfire =
        JobOptions.builder().waitPolicy(WaitPolicy.reschedule(Duration.ofMillis(100), 3)).build();
    JobId blocked = enqueue(GUARDED, new Step(false), hangfire).id();

    JobView deleted = awaitState(blocked, JobState.DELETED);
    long rescheduled =
        deleted.history().stream().filter(e -> e.state() == JobState.SCHEDULED).count();
    assertThat(rescheduled)
        .as("rescheduled after each blocked claim but the last")
        .isBetween(2L, 3L);
    assertThat(deleted.history()).noneMatch(e -> e.state() == JobState.PROCESSING);
    StateEntry last = deleted.history().get(deleted.history().size() - 1);
    assertThat(last.reason()).contains(holder.toString());
    finish.countDown();
    awaitState(holder, JobState.SUCCEEDED);
  }

  @Test
  void rescheduleRunsTheJobOnceThePermitIsFree() {
    JobId holder = startHolder();
    JobOptions hangfire =
        JobOptions.builder()
            .waitPolicy(WaitPolicy.reschedule(Duration.ofMillis(100), 1000))
            .build();
    JobId blocked = enqueue(GUARDED, new Step(false), hangfire).id();
    awaitState(blocked, JobState.SCHEDULED);
    finish.countDown();
    awaitState(holder, JobState.SUCCEEDED);
    JobView done = awaitState(blocked, JobState.SUCCEEDED);
    assertThat(done.history()).noneMatch(e -> e.state() == JobState.BLOCKED);
  }

  @Test
  void aBoundedWaitFailsTheJobWithTheReason() {
    JobId holder = startHolder();
    JobOptions bounded =
        JobOptions.builder()
            .waitPolicy(
                WaitPolicy.waitAtMost(Duration.ofMillis(300), WaitPolicy.TimeoutAction.FAIL))
            .build();
    JobId waiter = enqueue(GUARDED, new Step(false), bounded).id();
    JobView failed = awaitPatiently(waiter, JobState.FAILED);
    assertThat(entries(failed, JobState.BLOCKED)).hasSize(1);
    assertThat(failed.lastEntry().reason()).as("names the key").contains("guarded");
    finish.countDown();
    awaitState(holder, JobState.SUCCEEDED);
  }
}
