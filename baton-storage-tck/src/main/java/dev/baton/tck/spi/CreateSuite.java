package dev.baton.tck.spi;

import static dev.baton.storage.ContinuationCondition.ON_ANY_FINAL;
import static dev.baton.storage.ContinuationCondition.ON_SUCCESS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.concurrency.Uniqueness;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.state.StateEntry;
import dev.baton.storage.CreateResult;
import dev.baton.storage.JobRecord;
import dev.baton.storage.Lease;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code create} and {@code find}: states, history, duplicates, batches, continuations. */
public abstract class CreateSuite extends SpiSuite {

  @Test
  void createdJobIsEnqueuedWithItsSpecAndOneHistoryEntry() {
    TestJob job = TestJob.job().reason("because the test said so");
    Instant before = storage().now();
    List<CreateResult> results = storage().create(List.of(job.toNew()));

    assertThat(results).containsExactly(CreateResult.created(job.id(), JobState.ENQUEUED));
    JobRecord record = job(job.id());
    assertThat(record.spec()).isEqualTo(job.spec());
    assertThat(record.state()).isEqualTo(JobState.ENQUEUED);
    assertThat(record.attempt()).isEqualTo(1);
    assertThat(record.fencingToken()).isZero();
    assertThat(record.owner()).isNull();
    assertThat(record.expireAt()).isNull();
    assertThat(record.createdAt()).isBetween(before.minus(SLACK), storage().now().plus(SLACK));
    assertThat(record.history()).hasSize(1);
    StateEntry entry = record.history().get(0);
    assertThat(entry.state()).isEqualTo(JobState.ENQUEUED);
    assertThat(entry.reason()).isEqualTo("because the test said so");
    assertThat(entry.serverId()).isNull();
  }

  @Test
  void findOfAnUnknownJobIsEmpty() {
    assertThat(storage().find(JobId.newId())).isEmpty();
  }

  @Test
  void delayedJobIsScheduledOnTheStorageClock() {
    Instant before = storage().now();
    JobId id = create(TestJob.job().delay(Duration.ofHours(1)));
    Instant after = storage().now();

    JobRecord record = job(id);
    assertThat(record.state()).isEqualTo(JobState.SCHEDULED);
    assertThat(record.runAt())
        .isBetween(before.plus(Duration.ofHours(1)).minus(SLACK), after.plus(Duration.ofHours(1)));
    assertThat(claimAll()).isEmpty();
  }

  @Test
  void jobWithAFutureRunTimeIsScheduledAndOneInThePastIsEnqueued() {
    Instant future = storage().now().plus(Duration.ofHours(2)).truncatedTo(ChronoUnit.MILLIS);
    JobId later = create(TestJob.job().runAt(future));
    JobId now = create(TestJob.job().runAt(storage().now().minus(Duration.ofMinutes(1))));

    assertThat(state(later)).isEqualTo(JobState.SCHEDULED);
    assertThat(job(later).runAt()).isEqualTo(future);
    assertThat(state(now)).isEqualTo(JobState.ENQUEUED);
  }

  @Test
  void sameIdTwiceIsADuplicateNamingTheExistingJob() {
    TestJob job = TestJob.job();
    create(job);
    Lease lease = claimOne(job.id());

    List<CreateResult> again = storage().create(List.of(job.toNew()));

    assertThat(again).containsExactly(CreateResult.duplicate(job.id(), JobState.PROCESSING));
    assertThat(job(job.id()).history()).hasSize(2);
    assertThat(lease.token()).isEqualTo(1);
  }

  @Test
  void heldUniqueKeyMakesADuplicateAndWritesNothing() {
    TestJob first = TestJob.job().unique("report:7");
    TestJob second = first.another();
    create(first);

    List<CreateResult> results = storage().create(List.of(second.toNew()));

    assertThat(results).containsExactly(CreateResult.duplicate(first.id(), JobState.ENQUEUED));
    assertThat(storage().find(second.id())).isEmpty();
  }

  @Test
  void untilFinishKeyIsHeldWhileRunningAndReleasedAtTheFinalState() {
    TestJob first = TestJob.job().unique("k", Uniqueness.Hold.UNTIL_FINISH, null);
    create(first);
    Lease lease = claimOne(first.id());

    assertThat(storage().create(List.of(first.another().toNew())))
        .containsExactly(CreateResult.duplicate(first.id(), JobState.PROCESSING));

    succeed(lease);
    TestJob third = first.another();
    assertThat(storage().create(List.of(third.toNew())))
        .containsExactly(CreateResult.created(third.id(), JobState.ENQUEUED));
  }

  @Test
  void untilStartKeyIsReleasedWhenTheJobStarts() {
    TestJob first = TestJob.job().unique("k", Uniqueness.Hold.UNTIL_START, null);
    create(first);
    assertThat(storage().create(List.of(first.another().toNew())).get(0).isDuplicate()).isTrue();

    claimOne(first.id());

    TestJob second = first.another();
    assertThat(storage().create(List.of(second.toNew())).get(0).created()).isTrue();
  }

  @Test
  void ttlKeyIsHeldForItsTtlWhateverTheJobDoes() {
    TestJob first = TestJob.job().unique("k", Uniqueness.Hold.TTL, Duration.ofMillis(300));
    create(first);
    succeed(claimOne(first.id()));

    assertThat(storage().create(List.of(first.another().toNew())))
        .containsExactly(CreateResult.duplicate(first.id(), JobState.SUCCEEDED));
    eventually()
        .untilAsserted(
            () ->
                assertThat(storage().create(List.of(first.another().toNew())).get(0).created())
                    .isTrue());
  }

  @Test
  void deletingTheHolderReleasesItsKey() {
    TestJob first = TestJob.job().unique("k");
    create(first);
    storage().delete(first.id(), "not needed", RETENTION);

    assertThat(storage().create(List.of(first.another().toNew())).get(0).created()).isTrue();
  }

  @Test
  void duplicatesInsideOneBatchAreResults() {
    TestJob a = TestJob.job().unique("same");
    TestJob b = a.another();
    TestJob c = TestJob.job();

    List<CreateResult> results =
        storage().create(List.of(a.toNew(), b.toNew(), c.toNew(), a.toNew()));

    assertThat(results)
        .containsExactly(
            CreateResult.created(a.id(), JobState.ENQUEUED),
            CreateResult.duplicate(a.id(), JobState.ENQUEUED),
            CreateResult.created(c.id(), JobState.ENQUEUED),
            CreateResult.duplicate(a.id(), JobState.ENQUEUED));
  }

  @Test
  void unknownParentFailsTheWholeBatch() {
    TestJob fine = TestJob.job();
    TestJob orphan = TestJob.job().after(JobId.newId(), ON_SUCCESS);

    assertThatThrownBy(() -> storage().create(List.of(fine.toNew(), orphan.toNew())))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(storage().find(fine.id())).isEmpty();
    assertThat(storage().find(orphan.id())).isEmpty();
  }

  @Test
  void continuationWaitsForItsParentCreatedInTheSameBatch() {
    TestJob parent = TestJob.job();
    TestJob child = TestJob.job().after(parent.id(), ON_SUCCESS);

    List<CreateResult> results = storage().create(List.of(parent.toNew(), child.toNew()));

    assertThat(results)
        .containsExactly(
            CreateResult.created(parent.id(), JobState.ENQUEUED),
            CreateResult.created(child.id(), JobState.AWAITING));
    assertThat(ids(claimAll())).containsExactly(parent.id());
  }

  @Test
  void continuationIsEnqueuedWhenItsParentSucceeds() {
    JobId parent = create(TestJob.job());
    JobId child = create(TestJob.job().after(parent, ON_SUCCESS));
    RecordingListener listener = listen();

    succeed(claimOne(parent));

    assertThat(state(child)).isEqualTo(JobState.ENQUEUED);
    eventually().until(() -> listener.heardJobsAvailable(QUEUE));
  }

  @Test
  void continuationOfAJobThatAlreadySucceededStartsEnqueuedOrScheduled() {
    JobId parent = create(TestJob.job());
    succeed(claimOne(parent));

    JobId now = create(TestJob.job().after(parent, ON_SUCCESS));
    JobId later = create(TestJob.job().after(parent, ON_SUCCESS).delay(Duration.ofHours(1)));

    assertThat(state(now)).isEqualTo(JobState.ENQUEUED);
    assertThat(state(later)).isEqualTo(JobState.SCHEDULED);
  }

  @Test
  void continuationOfADeletedParentIsDeletedOnSuccessAndEnqueuedOnAnyFinal() {
    JobId parent = create(TestJob.job());
    storage().delete(parent, "gone", RETENTION);

    JobId onSuccess = create(TestJob.job().after(parent, ON_SUCCESS));
    JobId onAny = create(TestJob.job().after(parent, ON_ANY_FINAL));

    assertThat(state(onSuccess)).isEqualTo(JobState.DELETED);
    assertThat(state(onAny)).isEqualTo(JobState.ENQUEUED);
  }

  @Test
  void failedParentKeepsOnSuccessContinuationsWaitingAndReleasesOnAnyFinalOnes() {
    JobId parent = create(TestJob.job().queue("parents"));
    JobId onSuccess = create(TestJob.job().after(parent, ON_SUCCESS));
    JobId onAny = create(TestJob.job().after(parent, ON_ANY_FINAL));

    fail(claimOne(parent));

    assertThat(state(onSuccess)).isEqualTo(JobState.AWAITING);
    assertThat(state(onAny)).isEqualTo(JobState.ENQUEUED);

    storage().requeue(parent, "fixed");
    succeed(claimOne(parent));
    assertThat(state(onSuccess)).isEqualTo(JobState.ENQUEUED);
  }

  @Test
  void deletingAParentDeletesOnSuccessContinuationsDownTheChain() {
    JobId parent = create(TestJob.job());
    JobId child = create(TestJob.job().after(parent, ON_SUCCESS));
    JobId grandchild = create(TestJob.job().after(child, ON_SUCCESS));
    JobId cleanup = create(TestJob.job().after(child, ON_ANY_FINAL));

    storage().delete(parent, "cancelled", RETENTION);

    assertThat(state(child)).isEqualTo(JobState.DELETED);
    assertThat(state(grandchild)).isEqualTo(JobState.DELETED);
    assertThat(state(cleanup)).isEqualTo(JobState.ENQUEUED);
  }

  @Test
  void listenersHearOfEveryQueueThatGotAnEnqueuedJob() {
    RecordingListener listener = listen();

    storage()
        .create(
            List.of(
                TestJob.job().queue("mail").toNew(),
                TestJob.job().queue("video").toNew(),
                TestJob.job().queue("later").delay(Duration.ofHours(1)).toNew()));

    eventually()
        .until(() -> listener.heardJobsAvailable("mail") && listener.heardJobsAvailable("video"));
  }
}
