package dev.baton.tck.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.concurrency.Permit;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.BlockInfo;
import dev.baton.storage.KeyStatus;
import dev.baton.storage.LeasedJob;
import dev.baton.tck.spi.SpiSuite;
import dev.baton.tck.spi.TestJob;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rate limits at claim time: starts per fixed (epoch-aligned) or sliding window, the wake-up time
 * of a parked job, and {@code promoteDue} letting in as many as the window allows.
 */
public abstract class RateLimitAdmissionSuite extends SpiSuite {
  private static final Duration HOUR = Duration.ofHours(1);

  private BlockInfo blocked(JobId id) {
    assertThat(state(id)).isEqualTo(JobState.BLOCKED);
    return job(id).blocked();
  }

  @Test
  void fixedWindowAdmitsLimitStartsAndWakesAtTheNextWindow() {
    TestJob job = TestJob.job().permits(Permit.rateFixed("api", 2, HOUR));
    List<JobId> ids = create(job.another(), job.another(), job.another());
    Instant before = storage().now();

    List<LeasedJob> leased = claimAll();
    leased.forEach(l -> succeed(l.lease()));

    assertThat(ids(leased)).containsExactly(ids.get(0), ids.get(1));
    assertThat(claimAll()).isEmpty();
    BlockInfo info = blocked(ids.get(2));
    assertThat(info.permit()).isEqualTo(Permit.rateFixed("api", 2, HOUR));
    assertThat(info.holders()).isEmpty();
    assertThat(info.position()).isEqualTo(1);
    assertThat(info.wakeAt().toEpochMilli() % HOUR.toMillis()).isZero();
    assertThat(info.wakeAt()).isAfter(before).isBeforeOrEqualTo(before.plus(HOUR));
  }

  @Test
  void slidingWindowAdmitsLimitStartsAndWakesWhenTheOldestLeaves() {
    TestJob job = TestJob.job().permits(Permit.rateSliding("api", 2, HOUR));
    List<JobId> ids = create(job.another(), job.another(), job.another());
    Instant before = storage().now();

    assertThat(ids(claimAll())).containsExactly(ids.get(0), ids.get(1));

    BlockInfo info = blocked(ids.get(2));
    assertThat(info.wakeAt())
        .isBetween(before.plus(HOUR).minus(SLACK), storage().now().plus(HOUR).plus(SLACK));
  }

  @Test
  void parkedJobIsLetInByPromoteDueOnceTheWindowHasRoom() {
    for (Permit p :
        List.of(
            Permit.rateSliding("sliding", 1, Duration.ofMillis(300)),
            Permit.rateFixed("fixed", 1, Duration.ofMillis(300)))) {
      TestJob job = TestJob.job().permits(p);
      JobId first = create(job.another());
      claimOne(first);
      JobId second = create(job.another());
      List<JobId> got = ids(claimAll());
      if (got.isEmpty()) {
        assertThat(blocked(second).wakeAt()).isNotNull();
        promoteUntil(second, JobState.ENQUEUED);
        got = ids(claimAll());
      } // else: a fixed window rolled over between the two claims, which is allowed

      assertThat(got).containsExactly(second);
    }
  }

  @Test
  void promoteDueLetsInAtMostWhatTheWindowAllows() {
    TestJob job = TestJob.job().permits(Permit.rateSliding("api", 2, Duration.ofMillis(300)));
    List<JobId> ids =
        create(job.another(), job.another(), job.another(), job.another(), job.another());
    assertThat(ids(claimAll())).containsExactly(ids.get(0), ids.get(1));
    Instant wake = blocked(ids.get(2)).wakeAt();
    eventually().until(() -> storage().now().isAfter(wake.plusMillis(20)));

    storage().promoteDue(100);

    assertThat(state(ids.get(2))).isEqualTo(JobState.ENQUEUED);
    assertThat(state(ids.get(3))).isEqualTo(JobState.ENQUEUED);
    assertThat(blocked(ids.get(4)).position()).isEqualTo(1);
    assertThat(ids(claimAll())).containsExactly(ids.get(2), ids.get(3));
  }

  @Test
  void monitorShowsStartsInTheWindowAndWaiters() {
    TestJob job = TestJob.job().permits(Permit.rateSliding("api", 2, HOUR));
    List<JobId> ids = create(job.another(), job.another(), job.another());
    claimAll().forEach(l -> succeed(l.lease()));

    KeyStatus api =
        monitor().concurrencyKeys().stream()
            .filter(k -> k.permit().key().equals("api"))
            .findFirst()
            .orElseThrow();

    assertThat(api.holders()).isEmpty();
    assertThat(api.used()).isEqualTo(2);
    assertThat(api.waiters()).containsExactly(ids.get(2));
  }
}
