package dev.baton.tck.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.job.JobId;
import dev.baton.state.ExceptionInfo;
import dev.baton.state.JobState;
import dev.baton.state.StateEntry;
import dev.baton.storage.JobRecord;
import dev.baton.storage.Lease;
import dev.baton.storage.LogLine;
import dev.baton.storage.RunOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code finish} with every outcome, {@code report}, and fencing of both. */
public abstract class FinishSuite extends SpiSuite {

  @Test
  void succeededRecordsWorkerServerReasonAndExpiry() {
    JobId id = create(TestJob.job());
    Lease lease = claimOne(id);
    Instant before = storage().now();

    assertThat(
            storage().finish(lease, WORKER, new RunOutcome.Succeeded(Duration.ofMinutes(10), "ok")))
        .isTrue();

    JobRecord record = job(id);
    assertThat(record.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(record.owner()).isNull();
    assertThat(record.expireAt())
        .isBetween(
            before.plus(Duration.ofMinutes(10)).minus(SLACK),
            storage().now().plus(Duration.ofMinutes(10)).plus(SLACK));
    StateEntry entry = lastEntry(id);
    assertThat(entry.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(entry.serverId()).isEqualTo(SERVER);
    assertThat(entry.worker()).isEqualTo(WORKER);
    assertThat(entry.reason()).isEqualTo("ok");
  }

  @Test
  void failedKeepsTheExceptionAndDoesNotExpire() {
    JobId id = create(TestJob.job());
    ExceptionInfo error = new ExceptionInfo("java.io.IOException", "disk full", "at x.y(Z.java:1)");

    storage().finish(claimOne(id), WORKER, new RunOutcome.Failed(error, "out of attempts"));

    JobRecord record = job(id);
    assertThat(record.state()).isEqualTo(JobState.FAILED);
    assertThat(record.expireAt()).isNull();
    assertThat(lastEntry(id).exception()).isEqualTo(error);
    assertThat(lastEntry(id).reason()).isEqualTo("out of attempts");
  }

  @Test
  void retryIsScheduledWithTheNextAttempt() {
    JobId id = create(TestJob.job());
    ExceptionInfo error = new ExceptionInfo("java.lang.IllegalStateException", "flaky", "trace");
    Instant before = storage().now();

    storage()
        .finish(
            claimOne(id), WORKER, new RunOutcome.Retry(Duration.ofMillis(200), error, "retry 1"));

    JobRecord record = job(id);
    assertThat(record.state()).isEqualTo(JobState.SCHEDULED);
    assertThat(record.attempt()).isEqualTo(2);
    assertThat(record.runAt())
        .isBetween(before.plusMillis(200).minus(SLACK), storage().now().plusMillis(200));
    assertThat(lastEntry(id).exception()).isEqualTo(error);

    promoteUntil(id, JobState.ENQUEUED);
    assertThat(claimAll().get(0).attempt()).isEqualTo(2);
  }

  @Test
  void deletedByAFilterExpires() {
    JobId id = create(TestJob.job());

    storage().finish(claimOne(id), WORKER, new RunOutcome.Deleted(Duration.ofMinutes(5), "filter"));

    assertThat(state(id)).isEqualTo(JobState.DELETED);
    assertThat(job(id).expireAt()).isNotNull();
  }

  @Test
  void releasedGoesBackAheadOfLaterJobsWithItsAttempt() {
    JobId first = create(TestJob.job());
    JobId second = create(TestJob.job());
    Lease lease = claimOne(first);
    JobId third = create(TestJob.job());
    RecordingListener listener = listen();

    assertThat(storage().finish(lease, WORKER, new RunOutcome.Released("shutting down"))).isTrue();

    assertThat(state(first)).isEqualTo(JobState.ENQUEUED);
    assertThat(job(first).owner()).isNull();
    assertThat(lastEntry(first).reason()).isEqualTo("shutting down");
    List<JobId> order = ids(claimAll());
    assertThat(order).containsExactly(first, second, third);
    assertThat(claimAll()).isEmpty();
    assertThat(job(first).attempt()).isEqualTo(1);
    eventually().until(() -> listener.heardJobsAvailable(QUEUE));
  }

  @Test
  void staleTokenWrongServerOrFinishedJobCannotWrite() {
    JobId id = create(TestJob.job());
    Lease old = claimOne(id);
    storage().finish(old, WORKER, new RunOutcome.Released("restart"));
    Lease current = claimOne(id);
    int historySize = job(id).history().size();

    assertThat(succeed(old)).isFalse();
    assertThat(succeed(new Lease(id, OTHER_SERVER, current.token()))).isFalse();
    assertThat(storage().report(old, 50, List.of(line("stale")))).isFalse();
    assertThat(succeed(new Lease(JobId.newId(), SERVER, 1))).isFalse();

    JobRecord record = job(id);
    assertThat(record.state()).isEqualTo(JobState.PROCESSING);
    assertThat(record.history()).hasSize(historySize);
    assertThat(record.logs()).isEmpty();
    assertThat(record.progress()).isZero();

    assertThat(succeed(current)).isTrue();
    assertThat(succeed(current)).isFalse();
    assertThat(storage().report(current, 10, List.of())).isFalse();
  }

  @Test
  void reportStoresProgressAndAppendsLogLines() {
    JobId id = create(TestJob.job());
    Lease lease = claimOne(id);

    assertThat(storage().report(lease, 40, List.of(line("one"), line("two")))).isTrue();
    assertThat(storage().report(lease, null, List.of(line("three")))).isTrue();

    JobRecord record = job(id);
    assertThat(record.progress()).isEqualTo(40);
    assertThat(record.logs()).extracting(LogLine::message).containsExactly("one", "two", "three");
    succeed(lease);
    assertThat(job(id).logs()).hasSize(3);
  }

  private LogLine line(String message) {
    return new LogLine(storage().now(), "INFO", message);
  }
}
