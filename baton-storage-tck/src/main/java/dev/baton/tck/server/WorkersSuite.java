package dev.baton.tck.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.client.EnqueueResult;
import dev.baton.client.JobRequest;
import dev.baton.job.JobId;
import dev.baton.job.JobType;
import dev.baton.server.BatonServer;
import dev.baton.state.JobState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A server never claims more jobs than it has free workers, queues are served in priority order,
 * and the cancellation token can interrupt a job's thread when configured to.
 */
public abstract class WorkersSuite extends ServerSuite {
  public record Item(int n) {}

  static final JobType<Item> ITEM = JobType.of("tck.item", Item.class);

  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger maxRunning = new AtomicInteger();
  private final CountDownLatch release = new CountDownLatch(1);

  @Test
  void neverClaimsMoreThanItsFreeWorkers() {
    BatonServer server =
        startServer(
            fastConfig("two-workers").workers(2).build(),
            b ->
                b.handle(
                    ITEM,
                    (args, ctx) -> {
                      maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                      release.await(10, TimeUnit.SECONDS);
                      running.decrementAndGet();
                    }));
    List<JobRequest> batch = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      batch.add(JobRequest.of(ITEM, new Item(i)));
    }
    List<JobId> ids = client().enqueueAll(batch).stream().map(EnqueueResult::id).toList();

    await().atMost(PROMPTLY).until(() -> running.get() == 2);
    await()
        .during(Duration.ofMillis(300))
        .atMost(PROMPTLY)
        .until(() -> count(ids, JobState.PROCESSING) == 2 && count(ids, JobState.ENQUEUED) == 6);
    assertThat(server.runningJobs()).isEqualTo(2);

    release.countDown();
    await().atMost(PROMPTLY).until(() -> count(ids, JobState.SUCCEEDED) == 8);
    assertThat(maxRunning).hasValue(2);
  }

  @Test
  void queuesAreServedInTheirConfiguredOrder() {
    List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
    JobType<Item> low = ITEM.withOptions(o -> o.queue("low"));
    JobType<Item> high = ITEM.withOptions(o -> o.queue("high"));
    client().enqueue(low, new Item(1));
    client().enqueue(high, new Item(2));
    EnqueueResult last = client().enqueue(low, new Item(3));
    startServer(
        fastConfig("ordered").workers(1).queues("high", "low").build(),
        b -> b.handle(ITEM, (args, ctx) -> order.add("n" + args.n())));
    awaitState(last.id(), JobState.SUCCEEDED);
    assertThat(order).containsExactly("n2", "n1", "n3");
  }

  @Test
  void interruptOnCancelInterruptsABlockedHandler() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger interrupted = new AtomicInteger();
    startServer(
        fastConfig("interrupter").interruptOnCancel(true).build(),
        b ->
            b.handle(
                ITEM,
                (args, ctx) -> {
                  started.countDown();
                  try {
                    Thread.sleep(10_000);
                  } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                    throw e;
                  }
                }));
    EnqueueResult r = client().enqueue(ITEM, new Item(1));
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
    otherClient().delete(r.id());
    await().atMost(Duration.ofSeconds(1)).until(() -> interrupted.get() == 1);
    assertThat(view(r.id()).state()).isEqualTo(JobState.DELETED);
  }

  private long count(List<JobId> ids, JobState state) {
    return ids.stream().filter(id -> view(id).state() == state).count();
  }
}
