package dev.baton.tck.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.concurrency.WaitPolicy;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.JobRecord;
import dev.baton.tck.spi.SpiSuite;
import dev.baton.tck.spi.TestJob;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What a job does when its permit is busy: wait (with or without a limit) or reschedule. */
public abstract class WaitPolicyAdmissionSuite extends SpiSuite {
  private static final TestJob HOLDER = TestJob.job().mutex("k");

  @Test
  void waitingTooLongFailsTheJobWithTheReason() {
    JobId holder = create(HOLDER.another());
    claimOne(holder);
    TestJob impatient =
        HOLDER.waitPolicy(
            WaitPolicy.waitAtMost(Duration.ofMillis(200), WaitPolicy.TimeoutAction.FAIL));
    JobId waiter = create(impatient.another());
    JobId patient = create(HOLDER.another());
    assertThat(claimAll()).isEmpty();

    promoteUntil(waiter, JobState.FAILED);

    assertThat(lastEntry(waiter).reason()).isNotBlank();
    assertThat(job(patient).blocked().position()).isEqualTo(1);
    assertThat(state(holder)).isEqualTo(JobState.PROCESSING);
  }

  @Test
  void waitingTooLongCanDeleteTheJobInstead() {
    claimOne(create(HOLDER.another()));
    JobId waiter =
        create(
            HOLDER
                .another()
                .waitPolicy(
                    WaitPolicy.waitAtMost(
                        Duration.ofMillis(200), WaitPolicy.TimeoutAction.DELETE)));
    claimAll();

    promoteUntil(waiter, JobState.DELETED);

    assertThat(lastEntry(waiter).reason()).isNotBlank();
  }

  @Test
  void rescheduleMovesABlockedJobLaterThenDeletesItWhenAttemptsRunOut() {
    JobId holder = create(HOLDER.another());
    claimOne(holder);
    JobId polite =
        create(HOLDER.another().waitPolicy(WaitPolicy.reschedule(Duration.ofMillis(200), 2)));
    Instant before = storage().now();

    assertThat(claimAll()).isEmpty();

    JobRecord rescheduled = job(polite);
    assertThat(rescheduled.state()).isEqualTo(JobState.SCHEDULED);
    assertThat(rescheduled.runAt())
        .isBetween(before.plusMillis(200).minus(SLACK), storage().now().plusMillis(200));
    assertThat(rescheduled.owner()).isNull();

    promoteUntil(polite, JobState.ENQUEUED);
    assertThat(claimAll()).isEmpty();

    assertThat(state(polite)).isEqualTo(JobState.DELETED);
    assertThat(lastEntry(polite).reason())
        .contains("blocked by job " + holder)
        .contains("all attempts exhausted");
  }

  @Test
  void rescheduledJobRunsWhenThePermitIsFreeByThen() {
    JobId holder = create(HOLDER.another());
    var lease = claimOne(holder);
    JobId polite =
        create(HOLDER.another().waitPolicy(WaitPolicy.reschedule(Duration.ofMillis(200), 3)));
    claimAll();
    succeed(lease);

    promoteUntil(polite, JobState.ENQUEUED);

    assertThat(ids(claimAll())).containsExactly(polite);
  }

  @Test
  void aParkedJobHasNoLeaseAndNoToken() {
    claimOne(create(HOLDER.another()));
    JobId waiter = create(HOLDER.another());
    claimAll();

    JobRecord record = job(waiter);
    assertThat(record.state()).isEqualTo(JobState.BLOCKED);
    assertThat(record.owner()).isNull();
    assertThat(record.fencingToken()).isZero();
    assertThat(record.attempt()).isEqualTo(1);
  }
}
