package dev.baton.tck.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.client.EnqueueResult;
import dev.baton.client.JobView;
import dev.baton.filter.AppliedContext;
import dev.baton.filter.JobFilter;
import dev.baton.job.JobHandler;
import dev.baton.job.JobType;
import dev.baton.server.BatonServer;
import dev.baton.state.JobState;
import dev.baton.state.StateEntry;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two servers share the storage; one freezes mid-job (no heartbeats, as in a long GC pause or a
 * killed process). The other declares it dead within the server timeout and reruns the job without
 * spending an attempt; the frozen server's late completion is refused by fencing.
 */
public abstract class RecoverySuite extends ServerSuite {
  public record Task(String name) {}

  static final JobType<Task> TASK = JobType.of("tck.recoverable", Task.class);

  private final CountDownLatch startedOnA = new CountDownLatch(1);
  private final CountDownLatch unfreezeA = new CountDownLatch(1);
  private final Queue<String> runs = new ConcurrentLinkedQueue<>();
  private final Queue<AppliedContext> appliedOnA = new ConcurrentLinkedQueue<>();

  private final JobHandler<Task> handler =
      (args, ctx) -> {
        runs.add(ctx.serverId() + "#" + ctx.fencingToken() + "@" + ctx.attempt());
        if (ctx.serverId().equals("server-a")) {
          startedOnA.countDown();
          unfreezeA.await(10, TimeUnit.SECONDS);
        }
      };

  private BatonServer startA() {
    return startServer(
        fastConfig("server-a").build(),
        b ->
            b.handle(TASK, handler)
                .filter(
                    new JobFilter() {
                      @Override
                      public void onApplied(AppliedContext context) {
                        appliedOnA.add(context);
                      }
                    }));
  }

  private void startB() {
    startServer(fastConfig("server-b").build(), b -> b.handle(TASK, handler));
  }

  @Test
  void aDeadServersJobRerunsElsewhereWithoutSpendingAnAttempt() throws Exception {
    BatonServer a = startA();
    EnqueueResult r = client().enqueue(TASK, new Task("survivor"));
    assertThat(startedOnA.await(5, TimeUnit.SECONDS)).isTrue();
    long tokenOnA = view(r.id()).fencingToken();
    a.simulateFreeze();
    a.close(); // as kill -9: nothing written to the storage
    startB();

    JobView done = awaitState(r.id(), JobState.SUCCEEDED);
    assertThat(done.attempt()).isEqualTo(1);
    assertThat(runs)
        .containsExactly("server-a#" + tokenOnA + "@1", "server-b#" + (tokenOnA + 1) + "@1");
    StateEntry rescue =
        done.history().stream()
            .filter(e -> e.state() == JobState.ENQUEUED && e.reason().contains("server-a"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no rescue entry in " + done.history()));
    assertThat(rescue.reason()).contains("server-a");
    assertThat(client().storage().find(r.id()).orElseThrow().owner()).isNull();
    unfreezeA.countDown();
  }

  @Test
  void aFrozenWorkersLateCompletionIsRefused() throws Exception {
    BatonServer a = startA();
    EnqueueResult r = client().enqueue(TASK, new Task("fenced"));
    assertThat(startedOnA.await(5, TimeUnit.SECONDS)).isTrue();
    a.simulateFreeze();
    startB();
    JobView rerun = awaitState(r.id(), JobState.SUCCEEDED);
    long tokenOfB = rerun.fencingToken();
    int historySize = rerun.history().size();

    unfreezeA.countDown(); // A wakes up and finishes its stale run
    await().atMost(PROMPTLY).until(() -> !appliedOnA.isEmpty());
    AppliedContext late = appliedOnA.peek();
    assertThat(late.applied()).as("stale completion refused").isFalse();
    assertThat(late.job().fencingToken()).isLessThan(tokenOfB);
    JobView after = view(r.id());
    assertThat(after.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(after.fencingToken()).isEqualTo(tokenOfB);
    assertThat(after.history()).hasSize(historySize);
    assertThat(runs).hasSize(2);
  }
}
