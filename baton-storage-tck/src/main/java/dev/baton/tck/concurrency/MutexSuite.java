package dev.baton.tck.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.client.JobView;
import dev.baton.concurrency.Permit;
import dev.baton.job.JobHandler;
import dev.baton.job.JobId;
import dev.baton.job.JobType;
import dev.baton.server.BatonServer;
import dev.baton.state.JobState;
import dev.baton.storage.BlockInfo;
import dev.baton.tck.ledger.ExecutionLedger;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Mutexes end to end on real servers: exclusion across servers, FIFO per key, the BLOCKED view, and
 * permits freed by a dead holder's rescue or a holder's deletion.
 */
public abstract class MutexSuite extends ConcurrencySuite {
  /** Arguments: the key's id, a sequence number, how long to work. */
  public record Work(String resource, int seq, long millis) {}

  static final JobType<Work> LOCKED =
      JobType.of("tck-mutex-work", Work.class).withOptions(o -> o.mutex("res:{resource}"));

  private final ExecutionLedger ledger = new ExecutionLedger();

  private BatonServer.Builder recording(BatonServer.Builder b) {
    return recordingWith(b, (args, ctx) -> Thread.sleep(args.millis()));
  }

  @Test
  void oneJobPerKeyAcrossThreeServers() {
    for (int s = 0; s < 3; s++) {
      startServer("mutex-" + s, 4, this::recording);
    }
    List<JobId> ids = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      ids.add(enqueue(LOCKED, new Work("r" + (i % 3), i, 3)));
    }
    awaitAll(ids, JobState.SUCCEEDED);
    ledger.assertNoneLost(ids);
    ledger.assertNoConcurrentRunsOfOneJob();
    ledger.assertMutexes(List.of("res:r0", "res:r1", "res:r2"));
    assertThat(ledger.runsOn("res:r0")).hasSize(20);
  }

  @Test
  void aChainOnOneKeyRunsInEnqueueOrder() {
    List<Integer> order = new CopyOnWriteArrayList<>();
    for (int s = 0; s < 2; s++) {
      startServer("fifo-" + s, 4, b -> b.handle(LOCKED, (args, ctx) -> order.add(args.seq())));
    }
    List<JobId> ids = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      ids.add(enqueue(LOCKED, new Work("chain", i, 0)));
    }
    awaitAll(ids, JobState.SUCCEEDED);
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      expected.add(i);
    }
    assertThat(order).containsExactlyElementsOf(expected);
  }

  @Test
  void aBlockedJobSaysWhatBlocksIt() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    startServer(
        "view",
        4,
        b ->
            b.handle(
                LOCKED,
                (args, ctx) -> {
                  if (args.seq() == 0) {
                    release.await(PATIENCE.toSeconds(), TimeUnit.SECONDS);
                  }
                }));
    JobId holder = enqueue(LOCKED, new Work("busy", 0, 0));
    awaitState(holder, JobState.PROCESSING);
    JobId first = enqueue(LOCKED, new Work("busy", 1, 0));
    JobId second = enqueue(LOCKED, new Work("busy", 2, 0));
    JobId other = enqueue(LOCKED, new Work("free", 3, 0));

    awaitState(other, JobState.SUCCEEDED); // no head-of-line blocking
    BlockInfo one = awaitState(first, JobState.BLOCKED).blocked();
    BlockInfo two = awaitState(second, JobState.BLOCKED).blocked();
    assertThat(one.permit()).isEqualTo(Permit.mutex("res:busy"));
    assertThat(one.holders()).containsExactly(holder);
    assertThat(one.position()).isEqualTo(1);
    assertThat(two.holders()).containsExactly(holder);
    assertThat(two.position()).isEqualTo(2);
    assertThat(one.since()).isNotNull();

    release.countDown();
    awaitAll(List.of(holder, first, second), JobState.SUCCEEDED);
    assertThat(view(second).blocked()).isNull();
  }

  @Test
  void aDeadHoldersPermitIsFreedByRescueAndTheNextWaiterRuns() throws Exception {
    CountDownLatch thaw = new CountDownLatch(1);
    JobHandler<Work> slowOnDoomed =
        (args, ctx) -> {
          if (args.seq() == 0 && ctx.serverId().equals("doomed")) {
            thaw.await(PATIENCE.toSeconds(), TimeUnit.SECONDS);
          }
        };
    BatonServer frozen = startServer("doomed", 2, b -> recordingWith(b, slowOnDoomed));
    JobId holder = enqueue(LOCKED, new Work("crash", 0, 0));
    awaitState(holder, JobState.PROCESSING);
    JobId waiter = enqueue(LOCKED, new Work("crash", 1, 0));
    awaitState(waiter, JobState.BLOCKED);

    frozen.simulateFreeze();
    startServer("rescuer", 2, b -> recordingWith(b, slowOnDoomed));

    JobView done = awaitPatiently(waiter, JobState.SUCCEEDED);
    assertThat(done.history()).extracting(e -> e.state()).contains(JobState.BLOCKED);
    // The rescued holder went back to the head of its queue and ran again on the live server.
    JobView rescued = awaitPatiently(holder, JobState.SUCCEEDED);
    assertThat(rescued.history()).anyMatch(e -> e.reason().contains("doomed"));
    assertThat(ledger.runs())
        .extracting(r -> r.jobId().equals(holder) ? "holder@" + r.server() : "waiter@" + r.server())
        .containsExactlyInAnyOrder("holder@rescuer", "waiter@rescuer");

    // The frozen worker wakes up late: its finish is refused, the job stays as the rescuer left it.
    thaw.countDown();
    await().atMost(PATIENCE).until(() -> ledger.size() == 3);
    assertThat(view(holder).state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(view(holder).lastEntry().serverId()).isEqualTo("rescuer");
    ledger.assertNoConcurrentRunsOfOneJob(Set.of("doomed"));
    ledger.assertTokensIncreasePerJob();
  }

  /** Runs {@code work} for {@link #LOCKED} jobs inside a ledger entry. */
  private BatonServer.Builder recordingWith(BatonServer.Builder b, JobHandler<Work> work) {
    return b.handle(
        LOCKED,
        (args, ctx) -> {
          try (ExecutionLedger.Entry run = ledger.begin(ctx, "res:" + args.resource())) {
            work.run(args, ctx);
            if (!ctx.isCancellationRequested()) {
              run.succeeded();
            }
          }
        });
  }

  @Test
  void deletingTheHolderFreesThePermitAndTheWaiterStarts() {
    List<String> cancelled = new CopyOnWriteArrayList<>();
    startServer(
        "deleter",
        2,
        b ->
            b.handle(
                LOCKED,
                (args, ctx) -> {
                  if (args.seq() == 0) {
                    long end = System.nanoTime() + PATIENCE.toNanos();
                    while (!ctx.isCancellationRequested() && System.nanoTime() < end) {
                      Thread.sleep(5);
                    }
                    cancelled.add(ctx.cancellationReason());
                  }
                }));
    JobId holder = enqueue(LOCKED, new Work("del", 0, 0));
    awaitState(holder, JobState.PROCESSING);
    JobId waiter = enqueue(LOCKED, new Work("del", 1, 0));
    awaitState(waiter, JobState.BLOCKED);

    assertThat(client().delete(holder)).isTrue();
    awaitState(waiter, JobState.SUCCEEDED);
    assertThat(state(holder)).isEqualTo(JobState.DELETED);
    await().atMost(PATIENCE).until(() -> cancelled.size() == 1);
  }
}
