package dev.baton.tck.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.baton.concurrency.Permit;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.ContinuationCondition;
import dev.baton.storage.CreateResult;
import dev.baton.storage.JobRecord;
import dev.baton.storage.Lease;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.LogLine;
import dev.baton.storage.NewJob;
import dev.baton.storage.RecurringRecord;
import dev.baton.storage.RunOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code claimOrOffer}, hand-over on create and {@code leasedTo}. Every storage must claim through
 * {@code claimOrOffer} as through {@code claim}; the rest runs only where {@code handsOver()}.
 */
public abstract class HandOverSuite extends SpiSuite {
  private static final Duration TTL = Duration.ofMinutes(1);
  private static final String ELSEWHERE = "tck-elsewhere";
  private static final String MARKER = "tck-marker";

  private List<LeasedJob> offer(String serverId, int max, String... queues) {
    return storage().claimOrOffer(serverId, List.of(queues), max, TTL);
  }

  private void requireHandOver() {
    assumeTrue(storage().handsOver(), "storage does not hand over jobs");
  }

  private List<CreateResult> createAll(TestJob... jobs) {
    return storage().create(Arrays.stream(jobs).map(TestJob::toNew).toList());
  }

  private JobState createdState(TestJob job) {
    CreateResult result = createAll(job).get(0);
    assertThat(result.created()).isTrue();
    return result.state();
  }

  /** Asserts {@code id} is PROCESSING under {@code serverId}'s first lease; returns that lease. */
  private Lease assertHandedOver(JobId id, String serverId) {
    JobRecord r = job(id);
    assertThat(r.state()).as("state of %s", id).isEqualTo(JobState.PROCESSING);
    assertThat(r.owner()).isEqualTo(serverId);
    assertThat(r.fencingToken()).isEqualTo(1);
    return new Lease(id, serverId, 1);
  }

  /** Offers one slot, creates a job, and returns its lease after checking it was handed over. */
  private Lease handOverOne() {
    requireHandOver();
    offer(SERVER, 1, QUEUE);
    return assertHandedOver(create(TestJob.job()), SERVER);
  }

  /**
   * Waits until a job created in a queue nobody offered is announced, so that every notification
   * the storage sent before it has been delivered too (push channels keep their order).
   */
  private void awaitMarker(RecordingListener listener) {
    create(TestJob.job().queue(MARKER));
    eventually().until(() -> listener.heardJobsAvailable(MARKER));
  }

  // ------------------------------------------------------------------ every storage

  @Test
  void claimOrOfferClaimsExactlyAsClaim() {
    List<JobId> high = createMany(2, QUEUE);
    List<JobId> low = createMany(2, ELSEWHERE);

    List<LeasedJob> first = storage().claimOrOffer(SERVER, List.of(QUEUE, ELSEWHERE), 3, TTL);
    List<LeasedJob> second = storage().claimOrOffer(SERVER, List.of(QUEUE, ELSEWHERE), 3, TTL);

    assertThat(ids(first)).containsExactly(high.get(0), high.get(1), low.get(0));
    assertThat(ids(second)).containsExactly(low.get(1));
    for (LeasedJob l : first) {
      assertThat(l.lease().serverId()).isEqualTo(SERVER);
      assertThat(l.lease().token()).isEqualTo(1);
      assertThat(l.attempt()).isEqualTo(1);
      assertThat(l.spec()).isEqualTo(job(l.lease().jobId()).spec());
      assertThat(state(l.lease().jobId())).isEqualTo(JobState.PROCESSING);
    }
    assertThat(storage().claimOrOffer(SERVER, List.of(QUEUE), 0, TTL)).isEmpty();
  }

  @Test
  void withoutHandOverAnOfferChangesNothing() {
    assumeFalse(storage().handsOver(), "storage hands over jobs");
    RecordingListener listener = listen();
    offer(SERVER, 3, QUEUE);

    JobId id = create(TestJob.job());

    assertThat(state(id)).isEqualTo(JobState.ENQUEUED);
    eventually().until(() -> listener.heardJobsAvailable(QUEUE));
  }

  // ------------------------------------------------------------------ the hand-over itself

  @Test
  void jobCreatedWhileAnOfferStandsIsLeasedToTheOfferingServer() {
    requireHandOver();
    RecordingListener listener = listen();
    assertThat(offer(SERVER, 1, QUEUE)).isEmpty();
    TestJob job = TestJob.job();

    List<CreateResult> results = createAll(job);

    assertThat(results).containsExactly(CreateResult.created(job.id(), JobState.PROCESSING));
    Lease lease = assertHandedOver(job.id(), SERVER);
    JobRecord record = job(job.id());
    assertThat(record.attempt()).isEqualTo(1);
    assertThat(lastEntry(job.id()).state()).isEqualTo(JobState.PROCESSING);
    assertThat(lastEntry(job.id()).serverId()).isEqualTo(SERVER);
    LeasedJob expected = new LeasedJob(lease, job.spec(), 1, record.createdAt());
    eventually().until(() -> listener.handedOver().contains(expected));
    awaitMarker(listener);
    assertThat(listener.heardJobsAvailable(QUEUE)).as("jobsAvailable for a handed job").isFalse();
    assertThat(listener.handedOver()).containsOnly(expected);
  }

  @Test
  void handedOverLeaseIsFencedLikeAClaimedOne() {
    Lease lease = handOverOne();
    JobId id = lease.jobId();

    assertThat(storage().report(new Lease(id, SERVER, 2), 10, List.of())).isFalse();
    assertThat(storage().report(new Lease(id, OTHER_SERVER, 1), 10, List.of())).isFalse();
    LogLine line = new LogLine(storage().now(), "INFO", "pushed and running");
    assertThat(storage().report(lease, 40, List.of(line))).isTrue();
    assertThat(succeed(new Lease(id, OTHER_SERVER, 1))).isFalse();
    assertThat(succeed(new Lease(id, SERVER, 2))).isFalse();
    assertThat(job(id).progress()).isEqualTo(40);

    assertThat(succeed(lease)).isTrue();
    assertThat(state(id)).isEqualTo(JobState.SUCCEEDED);
    assertThat(succeed(lease)).isFalse();
  }

  @Test
  void handedOverJobCanBeDeletedOrRequeuedWhichRevokesItsLease() {
    requireHandOver();
    RecordingListener listener = listen();
    offer(SERVER, 2, QUEUE);
    JobId deleted = create(TestJob.job());
    JobId requeued = create(TestJob.job());
    Lease deletedLease = assertHandedOver(deleted, SERVER);
    Lease requeuedLease = assertHandedOver(requeued, SERVER);

    assertThat(storage().delete(deleted, "cancel", RETENTION)).contains(JobState.PROCESSING);
    assertThat(storage().requeue(requeued, "again")).contains(JobState.PROCESSING);

    eventually().until(() -> listener.heardRevoked(SERVER, deleted));
    eventually().until(() -> listener.heardRevoked(SERVER, requeued));
    assertThat(succeed(deletedLease)).isFalse();
    assertThat(fail(requeuedLease)).isFalse();
    assertThat(state(deleted)).isEqualTo(JobState.DELETED);
    assertThat(state(requeued)).isEqualTo(JobState.ENQUEUED);
    LeasedJob again = claim(OTHER_SERVER, 1, QUEUE).get(0);
    assertThat(again.lease()).isEqualTo(new Lease(requeued, OTHER_SERVER, 2));
  }

  @Test
  void handedOverJobCanBeReleasedAndRetriedLikeAClaimedOne() {
    Lease lease = handOverOne();
    JobId id = lease.jobId();

    RunOutcome retry = new RunOutcome.Retry(Duration.ZERO, null, "try again");
    assertThat(storage().finish(lease, WORKER, retry)).isTrue();

    promoteUntil(id, JobState.ENQUEUED);
    LeasedJob retried = claim(SERVER, 1, QUEUE).get(0);
    assertThat(retried.lease()).isEqualTo(new Lease(id, SERVER, 2));
    assertThat(retried.attempt()).isEqualTo(2);
  }

  // ------------------------------------------------------------------ slots

  @Test
  void offerSlotsAreALimit() {
    requireHandOver();
    RecordingListener listener = listen();
    offer(SERVER, 2, QUEUE);

    List<JobState> states =
        List.of(
            createdState(TestJob.job()),
            createdState(TestJob.job()),
            createdState(TestJob.job()),
            createdState(TestJob.job()));

    assertThat(states)
        .containsExactly(
            JobState.PROCESSING, JobState.PROCESSING, JobState.ENQUEUED, JobState.ENQUEUED);
    eventually().until(() -> listener.heardJobsAvailable(QUEUE));
    eventually().until(() -> listener.handedOver().size() >= 2);
    awaitMarker(listener);
    assertThat(listener.handedOver()).hasSize(2);
    assertThat(claimAll()).hasSize(2);
  }

  @Test
  void batchUsesSlotsInItsOrder() {
    requireHandOver();
    offer(SERVER, 2, QUEUE);
    TestJob elsewhere = TestJob.job().queue(ELSEWHERE);
    TestJob a = TestJob.job();
    TestJob b = TestJob.job();
    TestJob c = TestJob.job();

    List<CreateResult> results = createAll(elsewhere, a, b, c);

    assertThat(results)
        .containsExactly(
            CreateResult.created(elsewhere.id(), JobState.ENQUEUED),
            CreateResult.created(a.id(), JobState.PROCESSING),
            CreateResult.created(b.id(), JobState.PROCESSING),
            CreateResult.created(c.id(), JobState.ENQUEUED));
    assertHandedOver(a.id(), SERVER);
    assertHandedOver(b.id(), SERVER);
  }

  @Test
  void maxZeroWithdrawsTheOffer() {
    requireHandOver();
    offer(SERVER, 3, QUEUE);

    assertThat(offer(SERVER, 0, QUEUE)).isEmpty();

    assertThat(createdState(TestJob.job())).isEqualTo(JobState.ENQUEUED);
  }

  @Test
  void nextCallClaimsFirstThenReplacesTheOffer() {
    requireHandOver();
    offer(SERVER, 3, QUEUE);
    assertThat(createdState(TestJob.job())).isEqualTo(JobState.PROCESSING);
    JobId waiting = create(TestJob.job().queue(ELSEWHERE));

    List<LeasedJob> claimed = storage().claimOrOffer(SERVER, List.of(QUEUE, ELSEWHERE), 2, TTL);

    assertThat(ids(claimed)).containsExactly(waiting);
    assertThat(createdState(TestJob.job())).isEqualTo(JobState.PROCESSING);
    assertThat(createdState(TestJob.job())).isEqualTo(JobState.ENQUEUED);
  }

  @Test
  void replacedOfferNoLongerCoversItsQueues() {
    requireHandOver();
    offer(SERVER, 2, QUEUE);
    offer(SERVER, 2, ELSEWHERE);

    assertThat(createdState(TestJob.job())).isEqualTo(JobState.ENQUEUED);
    assertThat(createdState(TestJob.job().queue(ELSEWHERE))).isEqualTo(JobState.PROCESSING);
  }

  @Test
  void fullClaimLeavesNoOffer() {
    requireHandOver();
    createMany(2, QUEUE);

    assertThat(offer(SERVER, 2, QUEUE)).hasSize(2);

    assertThat(createdState(TestJob.job())).isEqualTo(JobState.ENQUEUED);
  }

  // ------------------------------------------------------------------ what is never handed over

  @Test
  void queueNotInTheOfferGetsAnEnqueuedJob() {
    requireHandOver();
    RecordingListener listener = listen();
    offer(SERVER, 2, QUEUE);

    assertThat(createdState(TestJob.job().queue(ELSEWHERE))).isEqualTo(JobState.ENQUEUED);

    eventually().until(() -> listener.heardJobsAvailable(ELSEWHERE));
    assertThat(createdState(TestJob.job())).isEqualTo(JobState.PROCESSING);
  }

  @Test
  void jobsThatAreNotPlainAreNeverHandedOver() {
    requireHandOver();
    JobId parent = create(TestJob.job().queue(ELSEWHERE));
    assertThat(succeed(claimOne(parent))).isTrue();
    offer(SERVER, 10, "q-mutex", "q-semaphore", "q-rate", "q-unique", "q-child", "q-plain");

    assertThat(createdState(TestJob.job().queue("q-mutex").mutex("tck-m")))
        .isEqualTo(JobState.ENQUEUED);
    assertThat(createdState(TestJob.job().queue("q-semaphore").permits(Permit.semaphore("s", 5))))
        .isEqualTo(JobState.ENQUEUED);
    Permit rate = Permit.rateFixed("r", 100, Duration.ofSeconds(1));
    assertThat(createdState(TestJob.job().queue("q-rate").permits(rate)))
        .isEqualTo(JobState.ENQUEUED);
    assertThat(createdState(TestJob.job().queue("q-unique").unique("tck-u")))
        .isEqualTo(JobState.ENQUEUED);
    assertThat(
            createdState(
                TestJob.job().queue("q-child").after(parent, ContinuationCondition.ON_SUCCESS)))
        .isEqualTo(JobState.ENQUEUED);

    assertThat(createdState(TestJob.job().queue("q-plain"))).isEqualTo(JobState.PROCESSING);
  }

  @Test
  void scheduledJobsAreNotHandedOverWhenTheyComeDue() {
    requireHandOver();
    offer(SERVER, 10, QUEUE, ELSEWHERE);
    TestJob delayed = TestJob.job().delay(Duration.ofMillis(200));
    TestJob later = TestJob.job().runAt(storage().now().plus(Duration.ofHours(1)));

    assertThat(createdState(delayed)).isEqualTo(JobState.SCHEDULED);
    assertThat(createdState(later)).isEqualTo(JobState.SCHEDULED);
    promoteUntil(delayed.id(), JobState.ENQUEUED);

    assertThat(createdState(TestJob.job().queue(ELSEWHERE))).isEqualTo(JobState.PROCESSING);
  }

  @Test
  void handOverNeverOvertakesAnEnqueuedJob() {
    requireHandOver();
    JobId scheduled = create(TestJob.job().delay(Duration.ofHours(1)));
    offer(SERVER, 10, QUEUE, ELSEWHERE, MARKER);
    storage().requeue(scheduled, "operator");

    assertThat(createdState(TestJob.job())).isEqualTo(JobState.ENQUEUED);

    List<CreateResult> batch =
        createAll(TestJob.job().queue(ELSEWHERE).mutex("tck-m"), TestJob.job().queue(ELSEWHERE));
    assertThat(batch).extracting(CreateResult::state).containsOnly(JobState.ENQUEUED);
    assertThat(createdState(TestJob.job().queue(MARKER))).isEqualTo(JobState.PROCESSING);
  }

  @Test
  void expiredOfferIsNotUsed() {
    requireHandOver();
    Duration ttl = Duration.ofMillis(300);
    storage().claimOrOffer(SERVER, List.of(QUEUE), 2, ttl);
    Instant expired = storage().now().plus(ttl).plusMillis(20);

    eventually().until(() -> storage().now().isAfter(expired));

    assertThat(createdState(TestJob.job())).isEqualTo(JobState.ENQUEUED);
  }

  // ------------------------------------------------------------------ offers end with the server

  @Test
  void deregisterRemovesOnlyThatServersOffer() {
    requireHandOver();
    beat(SERVER);
    beat(OTHER_SERVER);
    offer(SERVER, 1, QUEUE);
    offer(OTHER_SERVER, 1, QUEUE);

    storage().deregister(SERVER, "shutdown");

    JobId id = create(TestJob.job());
    assertHandedOver(id, OTHER_SERVER);
    assertThat(createdState(TestJob.job())).isEqualTo(JobState.ENQUEUED);
  }

  @Test
  void rescueRemovesTheDeadServersOffer() {
    requireHandOver();
    String dead = "tck-server-dead";
    beat(dead);
    offer(dead, 2, QUEUE);
    rescueUntilDead(SERVER);

    assertThat(createdState(TestJob.job())).isEqualTo(JobState.ENQUEUED);
  }

  // ------------------------------------------------------------------ recurring and leasedTo

  @Test
  void firedRecurringJobIsHandedOver() {
    requireHandOver();
    Instant t0 = Instant.parse("2030-01-01T10:00:00Z");
    storage().saveRecurring(new RecurringRecord("r", "{}", t0, false, null, null));
    offer(SERVER, 1, QUEUE);
    NewJob job = TestJob.job().id(JobId.nameBased("r@" + t0)).toNew();

    List<CreateResult> fired =
        storage().fireRecurring("r", t0, t0.plusSeconds(3600), List.of(job)).orElseThrow();

    assertThat(fired).extracting(CreateResult::state).containsExactly(JobState.PROCESSING);
    assertHandedOver(job.spec().id(), SERVER);
  }

  @Test
  void leasedToListsClaimedAndHandedOverJobsOfThatServerOnly() {
    requireHandOver();
    List<JobId> mine = createMany(2, QUEUE);
    List<LeasedJob> claimed = claim(SERVER, 2, QUEUE);
    assertThat(succeed(claimed.get(1).lease())).isTrue();
    JobId theirs = create(TestJob.job().queue(ELSEWHERE));
    List<LeasedJob> other = claim(OTHER_SERVER, 1, ELSEWHERE);
    offer(SERVER, 1, QUEUE);
    TestJob pushed = TestJob.job();
    create(pushed);

    List<LeasedJob> leased = storage().leasedTo(SERVER);

    Lease pushedLease = assertHandedOver(pushed.id(), SERVER);
    LeasedJob expected = new LeasedJob(pushedLease, pushed.spec(), 1, job(pushed.id()).createdAt());
    assertThat(leased).containsExactlyInAnyOrder(claimed.get(0), expected);
    assertThat(ids(claimed)).containsExactlyElementsOf(mine);
    assertThat(storage().leasedTo(OTHER_SERVER)).containsExactlyElementsOf(other);
    assertThat(ids(other)).containsExactly(theirs);
    assertThat(storage().leasedTo("tck-nobody")).isEmpty();
  }
}
