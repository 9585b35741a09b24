package dev.baton.tck.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.concurrency.Permit;
import dev.baton.concurrency.ReleasePolicy;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.BlockInfo;
import dev.baton.storage.KeyStatus;
import dev.baton.storage.Lease;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.RunOutcome;
import dev.baton.tck.spi.RecordingListener;
import dev.baton.tck.spi.SpiSuite;
import dev.baton.tck.spi.TestJob;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Semaphores and mutexes at claim time: exclusion, FIFO lines per key, no head-of-line blocking,
 * all-or-none, and release in every way a holder can leave, waking the next waiter at once.
 */
public abstract class SemaphoreAdmissionSuite extends SpiSuite {
  private static final TestJob ON_K = TestJob.job().mutex("k");

  private BlockInfo blocked(JobId id) {
    assertThat(state(id)).isEqualTo(JobState.BLOCKED);
    BlockInfo info = job(id).blocked();
    assertThat(info).as("block info of %s", id).isNotNull();
    return info;
  }

  @Test
  void mutexLeasesOneHolderAndParksTheOthersInLine() {
    List<JobId> ids = create(ON_K.another(), ON_K.another(), ON_K.another());

    assertThat(ids(claimAll())).containsExactly(ids.get(0));

    BlockInfo second = blocked(ids.get(1));
    assertThat(second.permit()).isEqualTo(Permit.mutex("k"));
    assertThat(second.holders()).containsExactly(ids.get(0));
    assertThat(second.position()).isEqualTo(1);
    assertThat(second.since()).isNotNull();
    assertThat(second.wakeAt()).isNull();
    assertThat(blocked(ids.get(2)).position()).isEqualTo(2);
    assertThat(lastEntry(ids.get(1)).state()).isEqualTo(JobState.BLOCKED);
    assertThat(lastEntry(ids.get(1)).reason()).contains("k");
    assertThat(job(ids.get(1)).owner()).isNull();
    assertThat(claimAll()).isEmpty();
  }

  @Test
  void semaphoreOfNLeasesN() {
    TestJob job = TestJob.job().permits(Permit.semaphore("pool", 2));
    List<JobId> ids = create(job.another(), job.another(), job.another());

    assertThat(ids(claimAll())).containsExactly(ids.get(0), ids.get(1));
    assertThat(blocked(ids.get(2)).holders()).containsExactlyInAnyOrder(ids.get(0), ids.get(1));
  }

  @Test
  void releaseWakesTheFirstWaiterAtOnceWithoutPolling() {
    List<JobId> ids = create(ON_K.another(), ON_K.another(), ON_K.another());
    Lease holder = claimAll().get(0).lease();
    RecordingListener listener = listen();

    succeed(holder);

    assertThat(state(ids.get(1))).isEqualTo(JobState.ENQUEUED);
    assertThat(blocked(ids.get(2)).position()).isEqualTo(1);
    eventually().until(() -> listener.heardJobsAvailable(QUEUE));
    assertThat(ids(claimAll())).containsExactly(ids.get(1));
    assertThat(blocked(ids.get(2)).holders()).containsExactly(ids.get(1));
  }

  @Test
  void waitersRunInTheOrderTheyParked() {
    List<JobId> ids = create(ON_K.another(), ON_K.another(), ON_K.another(), ON_K.another());
    Lease lease = claimAll().get(0).lease();

    for (int i = 1; i < ids.size(); i++) {
      succeed(lease);
      List<LeasedJob> next = claimAll();
      assertThat(ids(next)).containsExactly(ids.get(i));
      lease = next.get(0).lease();
    }
  }

  @Test
  void wokenWaiterGoesBackToItsOldPlaceInTheQueue() {
    JobId holder = create(ON_K.another());
    JobId waiter = create(ON_K.another());
    JobId free = create(TestJob.job());
    Lease lease = claimOne(holder);
    assertThat(ids(claim(SERVER, 1, QUEUE))).containsExactly(free);
    JobId later = create(TestJob.job());

    succeed(lease);

    assertThat(ids(claimAll())).containsExactly(waiter, later);
  }

  @Test
  void aNewcomerDoesNotBargePastAWokenWaiter() {
    JobId holder = create(ON_K.another());
    JobId waiter = create(ON_K.another());
    Lease lease = claimOne(holder);
    assertThat(claimAll()).isEmpty();
    succeed(lease);
    JobId newcomer = create(ON_K.another().queue("urgent"));

    List<JobId> leased = ids(claim(SERVER, 10, "urgent", QUEUE));

    assertThat(leased).containsExactly(waiter);
    assertThat(state(newcomer)).isEqualTo(JobState.BLOCKED);
  }

  @Test
  void aParkedJobDoesNotHoldUpJobsOnOtherKeys() {
    JobId holder = create(ON_K.another());
    claimOne(holder);
    JobId parked = create(ON_K.another());
    JobId otherKey = create(TestJob.job().mutex("other"));
    JobId noKey = create(TestJob.job());

    assertThat(ids(claimAll())).containsExactly(otherKey, noKey);
    assertThat(state(parked)).isEqualTo(JobState.BLOCKED);
  }

  @Test
  void multiPermitJobTakesAllItsPermitsOrNone() {
    JobId onB = create(TestJob.job().mutex("b"));
    Lease bLease = claimOne(onB);
    JobId both = create(TestJob.job().permits(Permit.mutex("a"), Permit.mutex("b")));
    assertThat(claimAll()).isEmpty();
    assertThat(blocked(both).permit()).isEqualTo(Permit.mutex("b"));

    JobId onA = create(TestJob.job().mutex("a"));
    Lease aLease = claimOne(onA);

    succeed(bLease);
    assertThat(state(both)).isEqualTo(JobState.ENQUEUED);
    assertThat(claimAll()).isEmpty();
    assertThat(blocked(both).permit()).isEqualTo(Permit.mutex("a"));

    succeed(aLease);
    assertThat(ids(claimAll())).containsExactly(both);
    JobId afterA = create(TestJob.job().mutex("a"));
    JobId afterB = create(TestJob.job().mutex("b"));
    assertThat(claimAll()).isEmpty();
    assertThat(blocked(afterA).holders()).containsExactly(both);
    assertThat(blocked(afterB).holders()).containsExactly(both);
  }

  @Test
  void deletingTheHolderReleasesItsPermit() {
    List<JobId> ids = create(ON_K.another(), ON_K.another());
    claimAll();

    storage().delete(ids.get(0), "cancel", RETENTION);

    assertThat(ids(claimAll())).containsExactly(ids.get(1));
  }

  @Test
  void requeueingTheHolderReleasesItsPermitAndSendsItToTheBackOfTheLine() {
    List<JobId> ids = create(ON_K.another(), ON_K.another());
    claimAll();

    storage().requeue(ids.get(0), "again");

    assertThat(ids(claimAll())).containsExactly(ids.get(1));
    assertThat(blocked(ids.get(0)).holders()).containsExactly(ids.get(1));
  }

  /**
   * The dead holder's job is rescued and keeps its place in the key's line: it runs before the job
   * that waited behind it (which a storage may leave parked or wake; either way it is not admitted
   * first), and the permit is not lost.
   */
  @Test
  void rescuingADeadHoldersJobKeepsItsPlaceAndFreesThePermitForIt() {
    beat("tck-dying");
    List<JobId> ids = create(ON_K.another(), ON_K.another());
    claim("tck-dying", 10, QUEUE);
    assertThat(state(ids.get(1))).isEqualTo(JobState.BLOCKED);

    rescueUntilDead(SERVER);

    assertThat(state(ids.get(0))).isEqualTo(JobState.ENQUEUED);
    assertThat(state(ids.get(1))).isIn(JobState.ENQUEUED, JobState.BLOCKED);
    List<LeasedJob> first = claimAll();
    assertThat(ids(first)).containsExactly(ids.get(0));
    succeed(first.get(0).lease());
    assertThat(ids(claimAll())).containsExactly(ids.get(1));
  }

  @Test
  void deletingOrRequeueingAWaiterTakesItOutOfLine() {
    List<JobId> ids = create(ON_K.another(), ON_K.another(), ON_K.another(), ON_K.another());
    Lease holder = claimAll().get(0).lease();

    assertThat(storage().delete(ids.get(1), "not needed", RETENTION)).contains(JobState.BLOCKED);
    assertThat(storage().requeue(ids.get(2), "later")).contains(JobState.BLOCKED);

    assertThat(blocked(ids.get(3)).position()).isEqualTo(1);
    succeed(holder);
    assertThat(ids(claimAll())).containsExactly(ids.get(3));
    assertThat(blocked(ids.get(2)).position()).isEqualTo(1);
  }

  @Test
  void onLeaveProcessingReleasesWhenTheJobGoesToRetry() {
    List<JobId> ids = create(ON_K.another(), ON_K.another());
    Lease holder = claimAll().get(0).lease();

    storage().finish(holder, WORKER, new RunOutcome.Retry(Duration.ofHours(1), null, "try later"));

    assertThat(ids(claimAll())).containsExactly(ids.get(1));
  }

  @Test
  void onFinalKeepsThePermitThroughRetriesUntilTheFinalState() {
    TestJob job = ON_K.releasePolicy(ReleasePolicy.ON_FINAL);
    JobId holder = create(job.another());
    Lease first = claimOne(holder);
    storage()
        .finish(first, WORKER, new RunOutcome.Retry(Duration.ofMillis(200), null, "try later"));
    JobId waiter = create(job.another());

    assertThat(claimAll()).isEmpty();
    assertThat(blocked(waiter).holders()).containsExactly(holder);

    promoteUntil(holder, JobState.ENQUEUED);
    Lease second = claimOne(holder);
    assertThat(second.token()).isEqualTo(2);
    succeed(second);
    assertThat(ids(claimAll())).containsExactly(waiter);
  }

  @Test
  void onFinalPermitOfAJobWaitingForItsRetryIsFreedWhenItIsDeleted() {
    TestJob job = ON_K.releasePolicy(ReleasePolicy.ON_FINAL);
    JobId holder = create(job.another());
    storage()
        .finish(claimOne(holder), WORKER, new RunOutcome.Retry(Duration.ofHours(1), null, "later"));
    JobId waiter = create(job.another());
    assertThat(claimAll()).isEmpty();

    storage().delete(holder, "give up", RETENTION);

    assertThat(state(waiter)).isEqualTo(JobState.ENQUEUED);
    assertThat(ids(claimAll())).containsExactly(waiter);
  }

  @Test
  void monitorShowsHoldersUsageAndWaitersInOrder() {
    List<JobId> ids = create(ON_K.another(), ON_K.another(), ON_K.another());
    claimAll();

    List<KeyStatus> keys = monitor().concurrencyKeys();

    KeyStatus k = keys.stream().filter(s -> s.permit().key().equals("k")).findFirst().orElseThrow();
    assertThat(k.holders()).containsExactly(ids.get(0));
    assertThat(k.used()).isEqualTo(1);
    assertThat(k.waiters()).containsExactly(ids.get(1), ids.get(2));
  }
}
