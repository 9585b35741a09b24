package dev.baton.tck.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.Lease;
import dev.baton.storage.RunOutcome;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@code promoteDue} for scheduled jobs, and {@code purgeExpired}. */
public abstract class TimeDrivenSuite extends SpiSuite {

  @Test
  void dueScheduledJobsAreEnqueuedAndServersWoken() {
    JobId soon = create(TestJob.job().queue("soon").delay(Duration.ofMillis(200)));
    JobId later = create(TestJob.job().delay(Duration.ofHours(1)));
    RecordingListener listener = listen();
    AtomicInteger moved = new AtomicInteger();

    eventually()
        .untilAsserted(
            () -> {
              moved.addAndGet(storage().promoteDue(100));
              assertThat(state(soon)).isEqualTo(JobState.ENQUEUED);
            });

    assertThat(moved.get()).isEqualTo(1);
    assertThat(state(later)).isEqualTo(JobState.SCHEDULED);
    eventually().until(() -> listener.heardJobsAvailable("soon"));
    assertThat(ids(claim(SERVER, 10, "soon"))).containsExactly(soon);
  }

  @Test
  void promoteDueMovesAtMostMax() {
    for (int i = 0; i < 5; i++) {
      create(TestJob.job().runAt(storage().now().minus(Duration.ofHours(1))));
    }
    JobId id = create(TestJob.job().delay(Duration.ofMillis(1)));
    JobId other = create(TestJob.job().delay(Duration.ofMillis(1)));
    eventually().until(() -> storage().now().isAfter(job(other).runAt()));

    assertThat(storage().promoteDue(1)).isEqualTo(1);
    assertThat(storage().promoteDue(10)).isEqualTo(1);
    assertThat(storage().promoteDue(10)).isZero();
    assertThat(List.of(state(id), state(other))).containsOnly(JobState.ENQUEUED);
  }

  @Test
  void expiredJobsArePurgedWithTheirHistory() {
    JobId expiring = create(TestJob.job());
    JobId kept = create(TestJob.job());
    JobId failed = create(TestJob.job());
    List<Lease> leases = claimAll().stream().map(l -> l.lease()).toList();
    storage().finish(leases.get(0), WORKER, new RunOutcome.Succeeded(Duration.ofMillis(100), ""));
    storage().finish(leases.get(1), WORKER, new RunOutcome.Succeeded(Duration.ofHours(1), ""));
    fail(leases.get(2));
    AtomicInteger purged = new AtomicInteger();

    eventually()
        .untilAsserted(
            () -> {
              purged.addAndGet(storage().purgeExpired(100));
              assertThat(storage().find(expiring)).isEmpty();
            });

    assertThat(purged.get()).isEqualTo(1);
    assertThat(state(kept)).isEqualTo(JobState.SUCCEEDED);
    assertThat(state(failed)).isEqualTo(JobState.FAILED);
  }

  @Test
  void purgeRemovesAtMostMax() {
    for (int i = 0; i < 3; i++) {
      storage().delete(create(TestJob.job()), "gone", Duration.ofMillis(1));
    }
    eventually().pollDelay(Duration.ofMillis(20)).until(() -> storage().purgeExpired(2) == 2);

    eventually().until(() -> storage().purgeExpired(2) == 1);
    assertThat(storage().purgeExpired(2)).isZero();
  }
}
