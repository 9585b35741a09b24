package dev.baton.tck.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.ContinuationCondition;
import dev.baton.storage.JobRecord;
import dev.baton.storage.Lease;
import dev.baton.storage.RunOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The client's moves: {@code delete} and {@code requeue} from every state. */
public abstract class DeleteRequeueSuite extends SpiSuite {

  /** Creates a job and brings it into {@code state} (not BLOCKED: see the admission suites). */
  protected JobId jobIn(JobState state) {
    switch (state) {
      case ENQUEUED:
        return create(TestJob.job());
      case SCHEDULED:
        return create(TestJob.job().delay(Duration.ofHours(1)));
      case AWAITING:
        return create(TestJob.job().after(create(TestJob.job()), ContinuationCondition.ON_SUCCESS));
      default:
        break;
    }
    JobId id = create(TestJob.job().queue("prepare"));
    Lease lease = claim(SERVER, 1, "prepare").get(0).lease();
    switch (state) {
      case PROCESSING -> {}
      case SUCCEEDED -> succeed(lease);
      case FAILED -> fail(lease);
      case DELETED -> storage().finish(lease, WORKER, new RunOutcome.Deleted(RETENTION, "x"));
      default -> throw new IllegalArgumentException(state.name());
    }
    assertThat(state(id)).isEqualTo(state);
    return id;
  }

  @Test
  void deleteMovesEveryStateButDeletedToDeletedWithExpiry() {
    List<JobId> deleted = new java.util.ArrayList<>();
    for (JobState from :
        List.of(
            JobState.ENQUEUED,
            JobState.SCHEDULED,
            JobState.AWAITING,
            JobState.PROCESSING,
            JobState.SUCCEEDED,
            JobState.FAILED)) {
      JobId id = jobIn(from);
      deleted.add(id);
      Instant before = storage().now();

      assertThat(storage().delete(id, "by the test", Duration.ofMinutes(3))).contains(from);

      JobRecord record = job(id);
      assertThat(record.state()).as("deleted from %s", from).isEqualTo(JobState.DELETED);
      assertThat(record.owner()).isNull();
      assertThat(record.expireAt())
          .isBetween(
              before.plus(Duration.ofMinutes(3)).minus(SLACK),
              storage().now().plus(Duration.ofMinutes(3)).plus(SLACK));
      assertThat(lastEntry(id).reason()).isEqualTo("by the test");
    }
    assertThat(ids(claim(SERVER, 100, QUEUE, "prepare"))).doesNotContainAnyElementsOf(deleted);
  }

  @Test
  void aConditionalDeleteLeavesAJobInAnotherStateAlone() {
    Set<JobState> onlyFailed = EnumSet.of(JobState.FAILED);
    for (JobState other :
        List.of(
            JobState.ENQUEUED,
            JobState.SCHEDULED,
            JobState.AWAITING,
            JobState.PROCESSING,
            JobState.SUCCEEDED)) {
      JobId id = jobIn(other);
      int history = job(id).history().size();

      assertThat(storage().delete(id, "only if failed", RETENTION, onlyFailed))
          .as("from %s", other)
          .isEmpty();
      assertThat(job(id).state()).as("from %s", other).isEqualTo(other);
      assertThat(job(id).history()).hasSize(history);
      assertThat(storage().delete(id, "nothing allowed", RETENTION, Set.of())).isEmpty();
      assertThat(job(id).state()).isEqualTo(other);
    }
    JobId failed = jobIn(JobState.FAILED);
    assertThat(storage().delete(failed, "only if failed", RETENTION, onlyFailed))
        .contains(JobState.FAILED);
    assertThat(job(failed).state()).isEqualTo(JobState.DELETED);
    assertThat(lastEntry(failed).reason()).isEqualTo("only if failed");
    JobId enqueued = jobIn(JobState.ENQUEUED);
    assertThat(
            storage()
                .delete(
                    enqueued, "either", RETENTION, EnumSet.of(JobState.FAILED, JobState.ENQUEUED)))
        .contains(JobState.ENQUEUED);
  }

  @Test
  void deleteOfADeletedOrUnknownJobIsEmpty() {
    JobId id = jobIn(JobState.DELETED);
    int history = job(id).history().size();

    assertThat(storage().delete(id, "again", RETENTION)).isEmpty();
    assertThat(storage().delete(JobId.newId(), "who?", RETENTION)).isEmpty();
    assertThat(job(id).history()).hasSize(history);
  }

  @Test
  void deletingARunningJobRevokesItsLease() {
    JobId id = create(TestJob.job());
    Lease lease = claimOne(id);
    RecordingListener listener = listen();

    storage().delete(id, "cancelled by a user", RETENTION);

    // The revocation names the lease, fencing token included: a server that claimed the job
    // again meanwhile can tell that the news is about an older run.
    eventually().until(() -> listener.heardRevoked(lease));
    assertThat(succeed(lease)).isFalse();
    assertThat(beat(SERVER, lease).revoked()).containsExactly(id);
  }

  @Test
  void requeueMovesEveryStateButEnqueuedToTheTailWithAttemptOne() {
    for (JobState from :
        List.of(
            JobState.SCHEDULED,
            JobState.AWAITING,
            JobState.PROCESSING,
            JobState.SUCCEEDED,
            JobState.FAILED,
            JobState.DELETED)) {
      JobId id = jobIn(from);
      JobId earlier = create(TestJob.job().queue(job(id).spec().queue()));

      assertThat(storage().requeue(id, "try again")).contains(from);

      JobRecord record = job(id);
      assertThat(record.state()).as("requeued from %s", from).isEqualTo(JobState.ENQUEUED);
      assertThat(record.attempt()).isEqualTo(1);
      assertThat(record.expireAt()).isNull();
      assertThat(record.owner()).isNull();
      assertThat(lastEntry(id).reason()).isEqualTo("try again");
      assertThat(ids(claim(SERVER, 10, record.spec().queue()))).endsWith(earlier, id);
    }
  }

  @Test
  void requeueResetsTheAttemptOfARetriedJob() {
    JobId id = create(TestJob.job());
    storage()
        .finish(claimOne(id), WORKER, new RunOutcome.Retry(Duration.ofHours(1), null, "later"));
    assertThat(job(id).attempt()).isEqualTo(2);

    storage().requeue(id, "now please");

    assertThat(claimAll().get(0).attempt()).isEqualTo(1);
  }

  @Test
  void requeueOfAnEnqueuedOrUnknownJobIsEmpty() {
    JobId id = create(TestJob.job());

    assertThat(storage().requeue(id, "again")).isEmpty();
    assertThat(storage().requeue(JobId.newId(), "who?")).isEmpty();
    assertThat(job(id).history()).hasSize(1);
  }

  @Test
  void requeueingARunningJobRevokesItsLeaseAndWakesServers() {
    JobId id = create(TestJob.job());
    Lease lease = claimOne(id);
    RecordingListener listener = listen();

    storage().requeue(id, "stuck");

    // The revocation names the lease, fencing token included: a server that claimed the job
    // again meanwhile can tell that the news is about an older run.
    eventually().until(() -> listener.heardRevoked(lease));
    eventually().until(() -> listener.heardJobsAvailable(QUEUE));
    assertThat(succeed(lease)).isFalse();
    assertThat(claimOne(id).token()).isEqualTo(2);
  }

  @Test
  void requeueTakesTheUniqueKeyAgain() {
    TestJob job = TestJob.job().unique("nightly");
    create(job);
    fail(claimOne(job.id()));
    assertThat(storage().create(List.of(job.another().toNew())).get(0).created()).isTrue();

    TestJob other = TestJob.job().queue("weekly").unique("weekly");
    create(other);
    fail(claimOne(other.id()));
    storage().requeue(other.id(), "fixed");

    assertThat(storage().create(List.of(other.another().toNew())))
        .extracting(r -> r.isDuplicate() ? r.id() : null)
        .containsExactly(other.id());
  }

  @Test
  void requeuedContinuationIsNotStartedTwiceByItsParent() {
    JobId parent = create(TestJob.job().queue("parents"));
    JobId child = create(TestJob.job().after(parent, ContinuationCondition.ON_SUCCESS));
    storage().requeue(child, "do not wait");
    Lease childLease = claimOne(child);

    succeed(claim(SERVER, 1, "parents").get(0).lease());

    assertThat(state(child)).isEqualTo(JobState.PROCESSING);
    assertThat(succeed(childLease)).isTrue();
    assertThat(Optional.of(state(child))).contains(JobState.SUCCEEDED);
  }
}
