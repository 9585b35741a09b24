package dev.baton.tck.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.baton.job.BatchId;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.state.StateEntry;
import dev.baton.storage.BatchRecord;
import dev.baton.storage.BatchStorage;
import dev.baton.storage.Completion;
import dev.baton.storage.ContinuationCondition;
import dev.baton.storage.CreateResult;
import dev.baton.storage.JobStorage;
import dev.baton.storage.Lease;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.NewBatch;
import dev.baton.storage.NewJob;
import dev.baton.storage.RunOutcome;
import dev.baton.tck.spi.SpiSuite;
import dev.baton.tck.spi.TestJob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * {@link BatchStorage}: a batch is created all or none, its counts follow its members' states
 * (requeues included), and its continuation leaves AWAITING exactly once, as {@link
 * dev.baton.storage.BatchRules} says, even when members finish concurrently on many clients.
 */
public abstract class BatchSuite extends SpiSuite {
  private static final String MEMBERS = "tck-batch";

  protected BatchStorage batches() {
    return batches(storage());
  }

  protected static BatchStorage batches(JobStorage s) {
    assumeTrue(s instanceof BatchStorage, "storage does not implement BatchStorage");
    return (BatchStorage) s;
  }

  /** A batch of {@code n} members in {@link #MEMBERS}, and a continuation in the default queue. */
  record Made(BatchId id, List<JobId> members, JobId continuation) {}

  protected Made make(int n, ContinuationCondition on) {
    List<NewJob> members = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      members.add(TestJob.job().queue(MEMBERS).toNew());
    }
    NewJob cont = on == null ? null : TestJob.job().reason("continuation").toNew();
    NewBatch b = new NewBatch(BatchId.newId(), members, cont, on);
    List<CreateResult> results = batches().createBatch(b);
    assertThat(results).hasSize(b.jobs().size()).allMatch(CreateResult::created);
    return new Made(
        b.id(),
        members.stream().map(m -> m.spec().id()).toList(),
        cont == null ? null : cont.spec().id());
  }

  protected BatchRecord record(BatchId id) {
    return batches().batch(id).orElseThrow(() -> new AssertionError("batch " + id + " not found"));
  }

  /** Claims exactly {@code member} from the members' queue. */
  private Lease lease(JobId member) {
    return claimOne(member);
  }

  private void assertCounts(BatchId id, int succeeded, int failed, int deleted) {
    BatchRecord r = record(id);
    assertThat(List.of(r.succeeded(), r.failed(), r.deleted()))
        .as("succeeded, failed, deleted of batch " + id)
        .containsExactly(succeeded, failed, deleted);
  }

  private long entriesIn(JobId id, JobState state) {
    return job(id).history().stream().map(StateEntry::state).filter(s -> s == state).count();
  }

  @Test
  void createsMembersReadyAndTheContinuationAwaitingInOneStep() {
    Made m = make(3, ContinuationCondition.ON_SUCCESS);

    for (JobId id : m.members()) {
      assertThat(state(id)).isEqualTo(JobState.ENQUEUED);
    }
    assertThat(state(m.continuation())).isEqualTo(JobState.AWAITING);
    BatchRecord r = record(m.id());
    assertThat(r.total()).isEqualTo(3);
    assertThat(r.pending()).isEqualTo(3);
    assertThat(r.continuation()).isEqualTo(m.continuation());
    assertThat(r.continueOn()).isEqualTo(ContinuationCondition.ON_SUCCESS);
    assertThat(r.continuationState()).isEqualTo(JobState.AWAITING);
    assertThat(r.createdAt()).isNotNull();
  }

  @Test
  void aScheduledMemberIsScheduledAndABatchNeedNotHaveAContinuation() {
    NewJob later = TestJob.job().queue(MEMBERS).delay(Duration.ofHours(1)).toNew();
    NewBatch b = new NewBatch(BatchId.newId(), List.of(later), null, null);
    assertThat(batches().createBatch(b))
        .extracting(CreateResult::state)
        .containsExactly(JobState.SCHEDULED);
    BatchRecord r = record(b.id());
    assertThat(r.continuation()).isNull();
    assertThat(r.continuationState()).isNull();
    assertThat(r.pending()).isEqualTo(1);
  }

  @Test
  void anUnknownBatchIsEmpty() {
    assertThat(batches().batch(BatchId.newId())).isEmpty();
  }

  @Test
  void aMemberWhoseIdExistsRefusesTheWholeBatchAndNothingIsWritten() {
    JobId existing = create(TestJob.job());
    List<NewJob> members = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      members.add(TestJob.job().queue(MEMBERS).toNew());
    }
    members.add(TestJob.job().id(existing).queue(MEMBERS).toNew());
    NewJob cont = TestJob.job().toNew();
    NewBatch b = new NewBatch(BatchId.newId(), members, cont, ContinuationCondition.ON_SUCCESS);

    assertThatThrownBy(() -> batches().createBatch(b))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(existing.toString());
    assertThat(batches().batch(b.id())).isEmpty();
    for (NewJob n : members.subList(0, 5)) {
      assertThat(storage().find(n.spec().id())).isEmpty();
    }
    assertThat(storage().find(cont.spec().id())).isEmpty();
    assertThat(claim(SERVER, 10, MEMBERS)).isEmpty();
  }

  @Test
  void aBatchIdUsedAlreadyIsRefused() {
    Made m = make(1, null);
    NewJob other = TestJob.job().queue(MEMBERS).toNew();
    assertThatThrownBy(
            () -> batches().createBatch(new NewBatch(m.id(), List.of(other), null, null)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(storage().find(other.spec().id())).isEmpty();
    assertThat(record(m.id()).total()).isEqualTo(1);
  }

  @Test
  void onSuccessStartsWhenTheLastMemberSucceedsAndCountsShowProgress() {
    Made m = make(3, ContinuationCondition.ON_SUCCESS);
    for (int i = 0; i < 3; i++) {
      assertThat(state(m.continuation())).isEqualTo(JobState.AWAITING);
      assertThat(record(m.id()).pending()).isEqualTo(3 - i);
      assertThat(succeed(lease(m.members().get(i)))).isTrue();
      assertCounts(m.id(), i + 1, 0, 0);
    }
    assertThat(state(m.continuation())).isEqualTo(JobState.ENQUEUED);
    assertThat(lastEntry(m.continuation()).reason()).contains(m.id().toString());
    assertThat(record(m.id()).continuationState()).isEqualTo(JobState.ENQUEUED);
    assertThat(ids(claimAll())).containsExactly(m.continuation());
  }

  @Test
  void onSuccessWaitsWhileAMemberIsFailedAndStartsWhenItIsRequeuedAndSucceeds() {
    Made m = make(2, ContinuationCondition.ON_SUCCESS);
    assertThat(succeed(lease(m.members().get(0)))).isTrue();
    assertThat(fail(lease(m.members().get(1)))).isTrue();
    assertCounts(m.id(), 1, 1, 0);
    assertThat(state(m.continuation())).isEqualTo(JobState.AWAITING);

    assertThat(storage().requeue(m.members().get(1), "again")).contains(JobState.FAILED);
    assertCounts(m.id(), 1, 0, 0);
    assertThat(record(m.id()).pending()).isEqualTo(1);
    assertThat(state(m.continuation())).isEqualTo(JobState.AWAITING);

    assertThat(succeed(lease(m.members().get(1)))).isTrue();
    assertCounts(m.id(), 2, 0, 0);
    assertThat(state(m.continuation())).isEqualTo(JobState.ENQUEUED);
  }

  @Test
  void aRetryIsNotFinalAndARequeueOfAPendingMemberChangesNoCount() {
    Made m = make(1, ContinuationCondition.ON_ANY_FINAL);
    JobId member = m.members().get(0);
    Lease l = lease(member);
    storage()
        .finish(l, WORKER, new RunOutcome.Retry(Duration.ofHours(1), null, "retry later", true));
    assertThat(state(member)).isEqualTo(JobState.SCHEDULED);
    assertCounts(m.id(), 0, 0, 0);
    assertThat(storage().requeue(member, "now")).contains(JobState.SCHEDULED);
    assertThat(storage().requeue(member, "twice")).isEmpty();
    assertCounts(m.id(), 0, 0, 0);
    assertThat(state(m.continuation())).isEqualTo(JobState.AWAITING);
  }

  @Test
  void onAnyFinalStartsWhenNoMemberIsPendingWhateverTheOutcomes() {
    Made m = make(3, ContinuationCondition.ON_ANY_FINAL);
    assertThat(succeed(lease(m.members().get(0)))).isTrue();
    assertThat(fail(lease(m.members().get(1)))).isTrue();
    assertThat(state(m.continuation())).isEqualTo(JobState.AWAITING);
    assertThat(storage().delete(m.members().get(2), "gone", RETENTION)).isPresent();

    assertCounts(m.id(), 1, 1, 1);
    assertThat(record(m.id()).pending()).isZero();
    assertThat(state(m.continuation())).isEqualTo(JobState.ENQUEUED);
  }

  @Test
  void deletingAMemberDeletesAnOnSuccessContinuationAndARequeueDoesNotBringItBack() {
    Made m = make(3, ContinuationCondition.ON_SUCCESS);
    assertThat(succeed(lease(m.members().get(0)))).isTrue();
    assertThat(storage().delete(m.members().get(1), "not needed", RETENTION))
        .contains(JobState.ENQUEUED);

    assertCounts(m.id(), 1, 0, 1);
    assertThat(state(m.continuation())).isEqualTo(JobState.DELETED);
    assertThat(lastEntry(m.continuation()).reason())
        .contains(m.id().toString())
        .contains(m.members().get(1).toString());
    assertThat(record(m.id()).continuationState()).isEqualTo(JobState.DELETED);

    assertThat(storage().requeue(m.members().get(1), "after all")).contains(JobState.DELETED);
    assertCounts(m.id(), 1, 0, 0);
    assertThat(succeed(lease(m.members().get(2)))).isTrue(); // the requeued one is behind it now
    assertThat(succeed(lease(m.members().get(1)))).isTrue();
    assertCounts(m.id(), 3, 0, 0);
    assertThat(state(m.continuation())).isEqualTo(JobState.DELETED);
  }

  @Test
  void deletingASucceededMemberMovesItsCount() {
    Made m = make(2, ContinuationCondition.ON_ANY_FINAL);
    assertThat(succeed(lease(m.members().get(0)))).isTrue();
    assertThat(storage().delete(m.members().get(0), "cleanup", RETENTION))
        .contains(JobState.SUCCEEDED);
    assertCounts(m.id(), 0, 0, 1);
    assertThat(state(m.continuation())).isEqualTo(JobState.AWAITING);
  }

  @Test
  void theContinuationStartsOnceEvenWhenMembersAreRequeuedAndFinishAgain() {
    Made m = make(2, ContinuationCondition.ON_SUCCESS);
    assertThat(succeed(lease(m.members().get(0)))).isTrue();
    assertThat(succeed(lease(m.members().get(1)))).isTrue();
    assertThat(state(m.continuation())).isEqualTo(JobState.ENQUEUED);

    for (int round = 0; round < 2; round++) {
      assertThat(storage().requeue(m.members().get(0), "again")).contains(JobState.SUCCEEDED);
      assertCounts(m.id(), 1, 0, 0);
      assertThat(storage().requeue(m.members().get(0), "twice")).isEmpty();
      assertCounts(m.id(), 1, 0, 0);
      assertThat(succeed(lease(m.members().get(0)))).isTrue();
      assertCounts(m.id(), 2, 0, 0);
    }
    assertThat(entriesIn(m.continuation(), JobState.ENQUEUED)).isEqualTo(1);
    assertThat(state(m.continuation())).isEqualTo(JobState.ENQUEUED);
  }

  @Test
  void aContinuationDeletedWhileItWaitsStaysDeleted() {
    Made m = make(1, ContinuationCondition.ON_SUCCESS);
    assertThat(storage().delete(m.continuation(), "not wanted", RETENTION))
        .contains(JobState.AWAITING);
    assertThat(succeed(lease(m.members().get(0)))).isTrue();
    assertCounts(m.id(), 1, 0, 0);
    assertThat(state(m.continuation())).isEqualTo(JobState.DELETED);
    assertThat(record(m.id()).continuationState()).isEqualTo(JobState.DELETED);
  }

  @Test
  void aScheduledContinuationIsScheduledWhenReleased() {
    NewJob member = TestJob.job().queue(MEMBERS).toNew();
    NewJob cont = TestJob.job().delay(Duration.ofHours(1)).toNew();
    NewBatch b =
        new NewBatch(BatchId.newId(), List.of(member), cont, ContinuationCondition.ON_SUCCESS);
    assertThat(batches().createBatch(b))
        .extracting(CreateResult::state)
        .containsExactly(JobState.ENQUEUED, JobState.AWAITING);
    assertThat(succeed(lease(member.spec().id()))).isTrue();
    assertThat(state(cont.spec().id())).isEqualTo(JobState.SCHEDULED);
  }

  @Test
  void membersThatAdmissionGivesUpOnAreCountedAsFailedAndDeleted() {
    JobId holder = create(TestJob.job().queue(MEMBERS).mutex("tck-batch-k"));
    claimOne(holder);
    TestJob keyed = TestJob.job().queue(MEMBERS).mutex("tck-batch-k");
    NewJob failing =
        keyed
            .waitPolicy(
                dev.baton.concurrency.WaitPolicy.waitAtMost(
                    Duration.ofMillis(100), dev.baton.concurrency.WaitPolicy.TimeoutAction.FAIL))
            .toNew();
    NewJob giving =
        keyed
            .another()
            .waitPolicy(dev.baton.concurrency.WaitPolicy.reschedule(Duration.ofMillis(50), 1))
            .toNew();
    NewJob cont = TestJob.job().toNew();
    NewBatch b =
        new NewBatch(
            BatchId.newId(), List.of(failing, giving), cont, ContinuationCondition.ON_ANY_FINAL);
    batches().createBatch(b);
    assertThat(claim(SERVER, 10, MEMBERS)).isEmpty(); // both meet the busy mutex

    promoteUntil(failing.spec().id(), JobState.FAILED);
    eventually()
        .untilAsserted(
            () -> {
              storage().promoteDue(100);
              claim(SERVER, 10, MEMBERS);
              assertThat(state(giving.spec().id())).isEqualTo(JobState.DELETED);
            });
    assertCounts(b.id(), 0, 1, 1);
    assertThat(state(cont.spec().id())).isEqualTo(JobState.ENQUEUED);
  }

  @Test
  void aThousandMembersFinishedInGroupsReleaseTheContinuationOnce() {
    Made m = make(1_000, ContinuationCondition.ON_SUCCESS);
    int done = 0;
    while (done < 1_000) {
      List<LeasedJob> leased = claim(SERVER, 250, MEMBERS);
      assertThat(leased).isNotEmpty();
      List<Completion> group = new ArrayList<>();
      for (LeasedJob l : leased) {
        group.add(new Completion(l.lease(), WORKER, new RunOutcome.Succeeded(RETENTION, "done")));
      }
      assertThat(storage().finishAll(group)).containsOnly(true);
      done += leased.size();
      if (done < 1_000) {
        assertThat(state(m.continuation())).isEqualTo(JobState.AWAITING);
        assertCounts(m.id(), done, 0, 0);
      }
    }
    assertCounts(m.id(), 1_000, 0, 0);
    assertThat(state(m.continuation())).isEqualTo(JobState.ENQUEUED);
    assertThat(entriesIn(m.continuation(), JobState.ENQUEUED)).isEqualTo(1);
  }

  @Test
  void membersFinishingConcurrentlyOnManyClientsReleaseTheContinuationExactlyOnce()
      throws Exception {
    int n = 200;
    int threads = 8;
    Made m = make(n, ContinuationCondition.ON_ANY_FINAL);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> work = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        JobStorage client = client(t);
        String server = "tck-batch-" + t;
        int seed = t;
        work.add(
            pool.submit(
                () -> {
                  int finished = 0;
                  for (int round = 0; ; round++) {
                    List<LeasedJob> leased = client.claim(server, List.of(MEMBERS), 3);
                    if (leased.isEmpty()) {
                      return finished;
                    }
                    for (LeasedJob l : leased) {
                      // A mix of outcomes, finished one by one and in pairs.
                      RunOutcome o =
                          (round + seed) % 5 == 0
                              ? new RunOutcome.Failed(null, "failed")
                              : new RunOutcome.Succeeded(RETENTION, "done");
                      assertThat(client.finish(l.lease(), WORKER, o)).isTrue();
                      finished++;
                    }
                  }
                }));
      }
      int total = 0;
      for (Future<Integer> f : work) {
        total += f.get(60, TimeUnit.SECONDS);
      }
      assertThat(total).isEqualTo(n);
    } finally {
      pool.shutdownNow();
    }
    BatchRecord r = record(m.id());
    assertThat(r.succeeded() + r.failed()).isEqualTo(n);
    assertThat(r.pending()).isZero();
    assertThat(state(m.continuation())).isEqualTo(JobState.ENQUEUED);
    assertThat(entriesIn(m.continuation(), JobState.ENQUEUED)).isEqualTo(1);
    long succeeded =
        IntStream.range(0, n).filter(i -> state(m.members().get(i)) == JobState.SUCCEEDED).count();
    assertThat(r.succeeded()).isEqualTo((int) succeeded);
  }
}
