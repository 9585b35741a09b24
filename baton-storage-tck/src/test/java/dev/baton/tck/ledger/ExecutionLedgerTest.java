package dev.baton.tck.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.job.JobId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ledger's assertions must catch what they claim to catch. */
class ExecutionLedgerTest {
  private final ExecutionLedger ledger = new ExecutionLedger();

  private void run(JobId id, long start, long end, boolean ok, String... keys) {
    ledger.add(
        new ExecutionLedger.Run(id, List.of(keys), "s", 1, 1, Instant.EPOCH, start, end, ok));
  }

  @Test
  void detectsOverlapOnAMutexKeyButNotTouchingRuns() {
    run(JobId.newId(), 0, 10, true, "k");
    run(JobId.newId(), 10, 20, true, "k");
    run(JobId.newId(), 5, 8, true, "other");
    ledger.assertMutex("k");
    run(JobId.newId(), 15, 25, true, "k");
    assertThatThrownBy(() -> ledger.assertMutex("k")).hasMessageContaining("mutex key 'k'");
  }

  @Test
  void detectsAJobRunningTwiceAtOnceAndSucceedingTwice() {
    JobId id = JobId.newId();
    run(id, 0, 10, false);
    run(id, 20, 30, true);
    ledger.assertNoConcurrentRunsOfOneJob();
    ledger.assertNoJobSucceededTwice();
    run(id, 25, 40, true);
    assertThatThrownBy(ledger::assertNoConcurrentRunsOfOneJob).hasMessageContaining("job " + id);
    assertThatThrownBy(ledger::assertNoJobSucceededTwice).hasMessageContaining("succeeded 2 times");
  }

  @Test
  void toleratesOverlapOnlyWithARunOnADeadServerAndChecksTokens() {
    JobId id = JobId.newId();
    ledger.add(new ExecutionLedger.Run(id, List.of(), "dead", 1, 1, Instant.EPOCH, 0, 50, true));
    ledger.add(new ExecutionLedger.Run(id, List.of(), "live", 2, 1, Instant.EPOCH, 20, 30, true));
    ledger.assertNoConcurrentRunsOfOneJob(java.util.Set.of("dead"));
    ledger.assertTokensIncreasePerJob();
    assertThatThrownBy(ledger::assertNoConcurrentRunsOfOneJob).hasMessageContaining("overlapping");
    ledger.add(new ExecutionLedger.Run(id, List.of(), "live", 2, 2, Instant.EPOCH, 60, 70, true));
    assertThatThrownBy(ledger::assertTokensIncreasePerJob).hasMessageContaining("did not increase");
  }

  @Test
  void measuresSemaphoreConcurrency() {
    run(JobId.newId(), 0, 10, true, "s");
    run(JobId.newId(), 2, 12, true, "s");
    run(JobId.newId(), 10, 15, true, "s");
    assertThat(ledger.maxConcurrency("s")).isEqualTo(2);
    ledger.assertSemaphore("s", 2);
    run(JobId.newId(), 11, 13, true, "s");
    assertThatThrownBy(() -> ledger.assertSemaphore("s", 2)).hasMessageContaining("3 concurrent");
  }

  @Test
  void findsLostJobs() {
    JobId done = JobId.newId();
    JobId failedOnly = JobId.newId();
    run(done, 0, 1, true);
    run(failedOnly, 0, 1, false);
    ledger.assertNoneLost(List.of(done));
    assertThatThrownBy(() -> ledger.assertNoneLost(List.of(done, failedOnly, JobId.newId())))
        .hasMessageStartingWith("2 of 3 jobs never finished");
  }

  @Test
  void checksFixedAndSlidingWindows() {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    List<Instant> twoPerSecondAcrossABoundary =
        List.of(t.plusMillis(800), t.plusMillis(900), t.plusMillis(1000), t.plusMillis(1100));
    ExecutionLedger.assertFixedWindow(twoPerSecondAcrossABoundary, 2, Duration.ofSeconds(1));
    assertThatThrownBy(
            () ->
                ExecutionLedger.assertSlidingWindow(
                    twoPerSecondAcrossABoundary, 2, Duration.ofSeconds(1)))
        .hasMessageContaining("3 starts within");
    ExecutionLedger.assertSlidingWindow(
        List.of(t, t.plusMillis(500), t.plusMillis(1000), t.plusMillis(1500)),
        2,
        Duration.ofSeconds(1));
    assertThatThrownBy(
            () ->
                ExecutionLedger.assertFixedWindow(
                    List.of(t, t.plusMillis(1), t.plusMillis(2)), 2, Duration.ofSeconds(1)))
        .hasMessageContaining("3 starts in the fixed window");
  }
}
