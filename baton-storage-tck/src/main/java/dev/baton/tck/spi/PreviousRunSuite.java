package dev.baton.tck.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.concurrency.Permit;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.BlockInfo;
import dev.baton.storage.Completion;
import dev.baton.storage.KeyStatus;
import dev.baton.storage.Lease;
import dev.baton.storage.RunOutcome;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A run outlives its state ({@link dev.baton.storage.JobStorage}): a job deleted or requeued while
 * its live owner still runs it keeps its permits, and a requeued one waits BLOCKED, until that
 * previous run has ended: a finish under its lease, two heartbeats without it, the owner's
 * deregistration or rescue. So no two runs of one job, nor of one key, ever overlap.
 */
public abstract class PreviousRunSuite extends SpiSuite {
  private static final TestJob ON_K = TestJob.job().mutex("k");

  @BeforeEach
  void registerTheOwner() {
    beat(SERVER); // a registered, live owner: its revoked runs may still be in their handlers
  }

  private BlockInfo waitingForPreviousRun(JobId id, Lease run) {
    assertThat(state(id)).isEqualTo(JobState.BLOCKED);
    BlockInfo info = job(id).blocked();
    assertThat(info).as("block info of %s", id).isNotNull();
    assertThat(info.waitsForPreviousRun()).isTrue();
    assertThat(info.previousRun()).isEqualTo(run);
    assertThat(info.permit()).isNull();
    assertThat(info.since()).isNotNull();
    return info;
  }

  private List<JobId> holdersOf(String key) {
    return monitorKeys().stream()
        .filter(k -> k.permit().key().equals(key))
        .findFirst()
        .map(KeyStatus::holders)
        .orElse(List.of());
  }

  private List<KeyStatus> monitorKeys() {
    return monitor().concurrencyKeys();
  }

  @Test
  void aRequeuedRunningJobWaitsForItsPreviousRunAndThenEntersTheTail() {
    JobId id = create(TestJob.job());
    Lease run = claimOne(id);
    JobId later = create(TestJob.job());

    assertThat(storage().requeue(id, "stuck")).contains(JobState.PROCESSING);

    waitingForPreviousRun(id, run);
    assertThat(lastEntry(id).reason()).contains("stuck").contains(SERVER);
    assertThat(job(id).owner()).isNull();
    assertThat(job(id).attempt()).isEqualTo(1);
    assertThat(ids(claim(OTHER_SERVER, 10, QUEUE))).containsExactly(later);

    RecordingListener listener = listen();
    assertThat(succeed(run)).as("the old run's finish is refused, as always").isFalse();

    assertThat(state(id)).isEqualTo(JobState.ENQUEUED);
    assertThat(job(id).blocked()).isNull();
    assertThat(lastEntry(id).reason()).contains("previous run").contains(SERVER);
    eventually().until(() -> listener.heardJobsAvailable(QUEUE));
    Lease next = claim(OTHER_SERVER, 10, QUEUE).get(0).lease();
    assertThat(next.jobId()).isEqualTo(id);
    assertThat(next.token()).isGreaterThan(run.token());
  }

  @Test
  void aDeletedRunningJobKeepsItsMutexUntilItsRunEnds() {
    JobId holder = create(ON_K.another());
    Lease run = claimOne(holder);
    JobId waiter = create(ON_K.another());
    assertThat(claimAll()).isEmpty();
    assertThat(state(waiter)).isEqualTo(JobState.BLOCKED);

    assertThat(storage().delete(holder, "cancelled by a user", RETENTION))
        .contains(JobState.PROCESSING);

    assertThat(state(holder)).isEqualTo(JobState.DELETED);
    assertThat(state(waiter)).as("the old run still holds k").isEqualTo(JobState.BLOCKED);
    assertThat(claim(OTHER_SERVER, 10, QUEUE)).isEmpty();
    assertThat(holdersOf("k")).containsExactly(holder);

    assertThat(storage().finish(run, WORKER, new RunOutcome.Failed(null, "cancelled"))).isFalse();

    assertThat(state(holder)).isEqualTo(JobState.DELETED);
    assertThat(state(waiter)).isEqualTo(JobState.ENQUEUED);
    assertThat(ids(claim(OTHER_SERVER, 10, QUEUE))).containsExactly(waiter);
  }

  @Test
  void aRequeuedMutexHolderGoesBehindTheWaitersOnceItsRunEnds() {
    JobId holder = create(ON_K.another());
    Lease run = claimOne(holder);
    JobId waiter = create(ON_K.another());
    assertThat(claimAll()).isEmpty();

    storage().requeue(holder, "run it again");

    waitingForPreviousRun(holder, run);
    assertThat(state(waiter)).isEqualTo(JobState.BLOCKED);
    assertThat(claim(OTHER_SERVER, 10, QUEUE)).isEmpty();
    assertThat(holdersOf("k")).containsExactly(holder);

    succeed(run);

    assertThat(state(holder)).isEqualTo(JobState.ENQUEUED);
    assertThat(state(waiter)).isEqualTo(JobState.ENQUEUED);
    assertThat(ids(claim(OTHER_SERVER, 10, QUEUE))).containsExactly(waiter);
    assertThat(state(holder)).as("in line behind the waiter").isEqualTo(JobState.BLOCKED);
    assertThat(job(holder).blocked().permit()).isEqualTo(Permit.mutex("k"));
  }

  @Test
  void aFinishAllElementEndsThePreviousRun() {
    JobId id = create(ON_K.another());
    Lease run = claimOne(id);
    JobId other = create(TestJob.job().queue("other"));
    Lease otherRun = claimOne(other);
    storage().requeue(id, "again");

    List<Boolean> applied =
        storage()
            .finishAll(
                List.of(
                    new Completion(run, WORKER, new RunOutcome.Succeeded(RETENTION, "done")),
                    new Completion(otherRun, WORKER, new RunOutcome.Succeeded(RETENTION, "done"))));

    assertThat(applied).containsExactly(false, true);
    assertThat(state(id)).isEqualTo(JobState.ENQUEUED);
    assertThat(holdersOf("k")).isEmpty();
  }

  @Test
  void twoHeartbeatsWithoutTheLeaseEndThePreviousRun() {
    JobId id = create(ON_K.another());
    Lease run = claimOne(id);
    storage().requeue(id, "again");

    beat(SERVER, run); // still in its handler
    beat(SERVER);
    waitingForPreviousRun(id, run); // one beat without it: maybe it was just starting
    beat(SERVER, run);
    beat(SERVER);
    waitingForPreviousRun(id, run); // a beat listing it again starts the count anew

    beat(SERVER);

    assertThat(state(id)).isEqualTo(JobState.ENQUEUED);
    assertThat(holdersOf("k")).isEmpty();
    assertThat(lastEntry(id).reason()).contains("previous run");
  }

  @Test
  void theRescueOfTheOwnerEndsItsPreviousRuns() {
    JobId requeued = create(ON_K.another());
    Lease run = claimOne(requeued);
    JobId deleted = create(TestJob.job().mutex("d"));
    claimOne(deleted);
    JobId waiter = create(TestJob.job().mutex("d"));
    assertThat(claimAll()).isEmpty();
    storage().requeue(requeued, "again");
    storage().delete(deleted, "gone", RETENTION);
    waitingForPreviousRun(requeued, run);

    rescueUntilDead(OTHER_SERVER);

    assertThat(state(requeued)).isEqualTo(JobState.ENQUEUED);
    assertThat(state(deleted)).isEqualTo(JobState.DELETED);
    assertThat(state(waiter)).isEqualTo(JobState.ENQUEUED);
    assertThat(ids(claim(OTHER_SERVER, 10, QUEUE))).containsExactlyInAnyOrder(requeued, waiter);
  }

  @Test
  void theDeregistrationOfTheOwnerEndsItsPreviousRuns() {
    JobId id = create(ON_K.another());
    claimOne(id);
    storage().requeue(id, "again");

    storage().deregister(SERVER, "shutting down");

    assertThat(state(id)).isEqualTo(JobState.ENQUEUED);
    assertThat(holdersOf("k")).isEmpty();
  }

  @Test
  void aJobWaitingForItsPreviousRunKeepsWaitingWhenRequeuedOrDeleted() {
    JobId id = create(ON_K.another());
    Lease run = claimOne(id);
    storage().requeue(id, "first");

    assertThat(storage().requeue(id, "second")).contains(JobState.BLOCKED);
    waitingForPreviousRun(id, run);
    assertThat(lastEntry(id).reason()).contains("second");

    assertThat(storage().delete(id, "enough", RETENTION)).contains(JobState.BLOCKED);
    assertThat(state(id)).isEqualTo(JobState.DELETED);
    JobId next = create(ON_K.another());
    assertThat(claimAll()).as("the old run still holds k").isEmpty();
    assertThat(state(next)).isEqualTo(JobState.BLOCKED);

    succeed(run);

    assertThat(state(id)).isEqualTo(JobState.DELETED);
    assertThat(ids(claimAll())).containsExactly(next);
  }

  @Test
  void anUnregisteredOwnerHasNoPreviousRun() {
    JobId id = create(ON_K.another());
    Lease run = storage().claim("never-registered", List.of(QUEUE), 1).get(0).lease();
    JobId waiter = create(ON_K.another());
    assertThat(claimAll()).isEmpty();

    storage().requeue(id, "again");

    assertThat(state(id)).isEqualTo(JobState.ENQUEUED);
    assertThat(state(waiter)).isEqualTo(JobState.ENQUEUED);
    assertThat(succeed(run)).isFalse();
  }

  @Test
  void aRevokedRunIsStillToldItsLeaseIsGone() {
    JobId id = create(TestJob.job());
    Lease run = claimOne(id);
    storage().requeue(id, "again");

    assertThat(beat(SERVER, run).revoked()).containsExactly(id);
    assertThat(storage().report(run, 50, List.of())).isFalse();
    waitingForPreviousRun(id, run);
  }
}
