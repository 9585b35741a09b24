package dev.baton.tck.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.baton.client.BatchBuilder;
import dev.baton.client.BatchResult;
import dev.baton.client.BatchStatus;
import dev.baton.client.BatonClient;
import dev.baton.client.JobRequest;
import dev.baton.concurrency.UniqueJob;
import dev.baton.job.BatchId;
import dev.baton.job.JobId;
import dev.baton.job.JobOptions;
import dev.baton.job.JobType;
import dev.baton.state.JobState;
import dev.baton.storage.BatchStorage;
import dev.baton.storage.ContinuationCondition;
import dev.baton.storage.JobMonitor;
import dev.baton.tck.ledger.ExecutionLedger;
import dev.baton.tck.server.ServerSuite;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Batches through the client and real servers: three servers of four workers finish the members
 * concurrently while an {@link ExecutionLedger} records every run; the continuation runs exactly
 * once, after every member; a bad member refuses the whole batch; progress is visible throughout.
 */
public abstract class BatchServerSuite extends ServerSuite {
  /** A member: its number, whether its first attempt fails, how long it works (microseconds). */
  public record Part(int n, boolean failFirst, int micros) {}

  /** The continuation: the batch it continues. */
  public record Done(String batch) {}

  static final JobType<Part> PART =
      JobType.of("tck.batch.part", Part.class)
          .withOptions(
              o ->
                  o.maxAttempts(3)
                      .retryBackoff(dev.baton.job.RetryBackoff.fixed(Duration.ofMillis(20))));
  static final JobType<Done> DONE = JobType.of("tck.batch.done", Done.class);

  private final ExecutionLedger ledger = new ExecutionLedger();
  private final Map<JobId, AtomicInteger> attempts = new ConcurrentHashMap<>();
  private final Map<String, BatchStatus> seenByContinuation = new ConcurrentHashMap<>();

  @BeforeEach
  final void needsBatches() {
    assumeTrue(storage() instanceof BatchStorage, "storage does not implement BatchStorage");
  }

  private void startServers(int count) {
    for (int i = 0; i < count; i++) {
      startServer(
          fastConfig("batch-" + i).workers(4).build(),
          b ->
              b.handle(
                      PART,
                      (args, ctx) -> {
                        try (ExecutionLedger.Entry run = ledger.begin(ctx)) {
                          int attempt =
                              attempts
                                  .computeIfAbsent(ctx.jobId(), k -> new AtomicInteger())
                                  .incrementAndGet();
                          LockSupport.parkNanos(args.micros() * 1_000L);
                          if (args.failFirst() && attempt == 1) {
                            throw new IllegalStateException("part " + args.n() + " fails once");
                          }
                          run.succeeded();
                        }
                      })
                  .handle(
                      DONE,
                      (args, ctx) -> {
                        try (ExecutionLedger.Entry run = ledger.begin(ctx)) {
                          seenByContinuation.put(
                              args.batch(),
                              client().batchStatus(BatchId.parse(args.batch())).orElseThrow());
                          run.succeeded();
                        }
                      }));
    }
  }

  @Test
  void membersFinishingOnManyWorkersRunTheContinuationExactlyOnceAfterAllOfThem() {
    startServers(3);
    BatonClient client = client();
    BatchBuilder b = client.batch();
    int n = 300;
    for (int i = 0; i < n; i++) {
      b.add(PART, new Part(i, i % 10 == 0, 200 + (i % 7) * 100));
    }
    BatchResult r =
        b.then(DONE, new Done(b.id().toString()), ContinuationCondition.ON_SUCCESS).enqueue();
    assertThat(r.batchId()).isEqualTo(b.id());
    assertThat(r.jobIds()).hasSize(n).doesNotHaveDuplicates();

    awaitDone(r.continuationId());
    BatchStatus s = client.batchStatus(r.batchId()).orElseThrow();
    assertThat(s.succeeded()).isEqualTo(n);
    assertThat(s.isFinished()).isTrue();
    assertThat(s.continuationState()).isEqualTo(JobState.SUCCEEDED);

    List<ExecutionLedger.Run> contRuns =
        ledger.runs().stream().filter(run -> run.jobId().equals(r.continuationId())).toList();
    assertThat(contRuns).hasSize(1);
    ledger.assertNoConcurrentRunsOfOneJob();
    ledger.assertNoJobSucceededTwice();
    Set<JobId> succeeded = new HashSet<>(ledger.succeededJobs());
    assertThat(succeeded).containsAll(r.jobIds());
    // The continuation started after the last member ended, and saw the whole batch succeeded.
    long lastMemberEnd =
        ledger.runs().stream()
            .filter(run -> !run.jobId().equals(r.continuationId()))
            .mapToLong(ExecutionLedger.Run::endNanos)
            .max()
            .orElseThrow();
    assertThat(contRuns.get(0).startNanos()).isGreaterThanOrEqualTo(lastMemberEnd);
    assertThat(seenByContinuation.get(r.batchId().toString()).succeeded()).isEqualTo(n);
  }

  @Test
  void onAnyFinalRunsAfterFailuresAndTheStatusTellsThem() {
    startServers(1);
    BatonClient client = client();
    BatchBuilder b = client.batch();
    b.add(PART, new Part(1, false, 0));
    b.add(
        JobRequest.of(PART, new Part(2, true, 0))
            .withOptions(JobOptions.builder().maxAttempts(1).build()));
    BatchResult r =
        b.then(DONE, new Done(b.id().toString()), ContinuationCondition.ON_ANY_FINAL).enqueue();

    awaitDone(r.continuationId());
    BatchStatus s = client.batchStatus(r.batchId()).orElseThrow();
    assertThat(List.of(s.total(), s.succeeded(), s.failed(), s.deleted(), s.pending()))
        .containsExactly(2, 1, 1, 0, 0);
    assertThat(seenByContinuation.get(r.batchId().toString()).failed()).isEqualTo(1);
  }

  @Test
  void progressIsVisibleAndAFailedMemberRequeuedByHandReleasesTheContinuation() {
    BatonClient client = client();
    BatchBuilder b = client.batch();
    b.add(PART, new Part(1, false, 0));
    b.add(
        JobRequest.of(PART, new Part(2, true, 0))
            .withOptions(JobOptions.builder().maxAttempts(1).build()));
    BatchResult r =
        b.then(DONE, new Done(b.id().toString()), ContinuationCondition.ON_SUCCESS).enqueue();
    BatchStatus before = client.batchStatus(r.batchId()).orElseThrow();
    assertThat(List.of(before.total(), before.pending())).containsExactly(2, 2);
    assertThat(before.continuationState()).isEqualTo(JobState.AWAITING);

    startServers(1);
    awaitState(r.jobIds().get(1), JobState.FAILED);
    awaitState(r.jobIds().get(0), JobState.SUCCEEDED);
    BatchStatus failed = client.batchStatus(r.batchId()).orElseThrow();
    assertThat(List.of(failed.succeeded(), failed.failed(), failed.pending()))
        .containsExactly(1, 1, 0);
    assertThat(failed.continuationState()).isEqualTo(JobState.AWAITING);

    assertThat(client.requeue(r.jobIds().get(1))).isTrue(); // attempt 2 succeeds
    awaitDone(r.continuationId());
    assertThat(client.batchStatus(r.batchId()).orElseThrow().succeeded()).isEqualTo(2);
  }

  @Test
  void aBadMemberRefusesTheWholeBatchAndNothingIsCreated() {
    BatonClient client = BatonClient.builder(storage()).maxArgumentBytes(200).build();
    BatchBuilder b = client.batch();
    for (int i = 0; i < 5; i++) {
      b.add(PART, new Part(i, false, 0));
    }
    b.add(JobType.of("tck.batch.big", String.class), "x".repeat(1_000));
    b.then(DONE, new Done("x"), ContinuationCondition.ON_SUCCESS);
    assertThatThrownBy(b::enqueue)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tck.batch.big");
    assertThat(client.batchStatus(b.id())).isEmpty();
    if (storage() instanceof JobMonitor monitor) {
      assertThat(monitor.countByState().values().stream().mapToLong(Long::longValue).sum())
          .isZero();
    }

    BatchBuilder unique = client.batch();
    unique.add(
        PART, new Part(1, false, 0), JobOptions.builder().unique(UniqueJob.byKey("k")).build());
    assertThatThrownBy(unique::enqueue)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("uniqueness");
    assertThatThrownBy(() -> client.batch().enqueue()).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                client
                    .batch()
                    .add(JobRequest.of(PART, new Part(1, false, 0)).continuing(JobId.newId())))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void deletingAMemberDeletesAnOnSuccessContinuation() {
    BatonClient client = client();
    BatchBuilder b = client.batch();
    b.add(JobRequest.of(PART, new Part(1, false, 0)).after(Duration.ofHours(1)));
    b.add(JobRequest.of(PART, new Part(2, false, 0)).after(Duration.ofHours(1)));
    BatchResult r =
        b.then(DONE, new Done(b.id().toString()), ContinuationCondition.ON_SUCCESS).enqueue();
    assertThat(client.delete(r.jobIds().get(0))).isTrue();
    BatchStatus s = client.batchStatus(r.batchId()).orElseThrow();
    assertThat(s.deleted()).isEqualTo(1);
    assertThat(s.continuationState()).isEqualTo(JobState.DELETED);
  }

  private void awaitDone(JobId continuation) {
    await("continuation " + continuation + " succeeded")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () ->
                client().find(continuation).map(v -> v.state()).orElse(null) == JobState.SUCCEEDED);
  }
}
