package dev.baton.tck.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.client.BatonClient;
import dev.baton.client.EnqueueResult;
import dev.baton.client.JobView;
import dev.baton.job.JobType;
import dev.baton.server.BatonServer;
import dev.baton.state.JobState;
import dev.baton.storage.JobStorage;
import dev.baton.storage.Lease;
import dev.baton.storage.StorageListener;
import dev.baton.tck.StorageInterceptor;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A running job's cancellation fires within a second when another application instance deletes or
 * requeues it; the cancelled run writes nothing.
 */
public abstract class CancellationSuite extends ServerSuite {
  public record Wait(String name) {}

  static final JobType<Wait> LONG = JobType.of("tck.long", Wait.class);

  private final CountDownLatch started = new CountDownLatch(1);
  private final Queue<String> cancelReasons = new ConcurrentLinkedQueue<>();
  private final AtomicInteger runs = new AtomicInteger();

  private BatonServer startLongRunner() {
    return startServer(
        fastConfig("canceller").build(),
        b ->
            b.handle(
                LONG,
                (args, ctx) -> {
                  if (runs.incrementAndGet() > 1) {
                    return; // a second run (after a requeue) ends at once
                  }
                  runUntilCancelled(ctx, started, cancelReasons);
                }));
  }

  @Test
  void deletingARunningJobFromAnotherInstanceCancelsItWithinASecond() throws Exception {
    startLongRunner();
    EnqueueResult r = client().enqueue(LONG, new Wait("doomed"));
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

    BatonClient other = otherClient();
    assertThat(other.delete(r.id())).isTrue();
    await().atMost(Duration.ofSeconds(1)).until(() -> !cancelReasons.isEmpty());
    // The reason tells a delete from a requeue, with the reason the deleter gave.
    assertThat(cancelReasons.peek()).isEqualTo("lease revoked: deleted: deleted by a client");

    await()
        .during(Duration.ofMillis(300))
        .atMost(PROMPTLY)
        .until(() -> view(r.id()).state() == JobState.DELETED);
    JobView deleted = view(r.id());
    assertThat(deleted.history().get(deleted.history().size() - 1).state())
        .isEqualTo(JobState.DELETED);
  }

  @Test
  void requeueingARunningJobCancelsItAndItRunsAgain() throws Exception {
    startLongRunner();
    EnqueueResult r = client().enqueue(LONG, new Wait("again"));
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

    assertThat(otherClient().requeue(r.id())).isTrue();
    await().atMost(Duration.ofSeconds(1)).until(() -> !cancelReasons.isEmpty());
    assertThat(cancelReasons.peek()).startsWith("lease revoked: requeued: requeued by a client");

    JobView done = awaitState(r.id(), JobState.SUCCEEDED);
    assertThat(runs).hasValue(2);
    assertThat(done.attempt()).isEqualTo(1);
    assertThat(entries(done, JobState.FAILED)).isEmpty();
  }

  @Test
  void aGracefulShutdownSaysSoAndHandsTheJobBackWithoutSpendingAnAttempt() throws Exception {
    BatonServer server = startLongRunner();
    EnqueueResult r = client().enqueue(LONG, new Wait("handed back"));
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

    server.close();
    assertThat(cancelReasons.peek()).isEqualTo("server canceller is shutting down");
    JobView back = view(r.id());
    assertThat(back.state()).isEqualTo(JobState.ENQUEUED);
    assertThat(entries(back, JobState.FAILED)).isEmpty();
    assertThat(back.lastEntry().reason()).contains("shutting down");
  }

  @Test
  void aLateRevocationOfAnOlderLeaseLeavesTheNewerRunAlone() throws Exception {
    AtomicReference<StorageListener> serverSide = new AtomicReference<>();
    AtomicLong token = new AtomicLong();
    startServer(
        listenerCapturing(fixture().newStorage(), serverSide),
        fastConfig("late-news").build(),
        b ->
            b.handle(
                LONG,
                (args, ctx) -> {
                  if (runs.incrementAndGet() > 1) {
                    return;
                  }
                  token.set(ctx.fencingToken());
                  runUntilCancelled(ctx, started, cancelReasons);
                }));
    EnqueueResult r = client().enqueue(LONG, new Wait("newer"));
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
    StorageListener server = serverSide.get();
    assertThat(server).as("the server subscribed to its storage").isNotNull();

    // News of an earlier run's revocation, arriving after the job was claimed again: ignored.
    server.leaseRevoked(new Lease(r.id(), "late-news", token.get() - 1));
    await().during(Duration.ofMillis(300)).atMost(PROMPTLY).until(cancelReasons::isEmpty);

    // The revocation of the lease this run holds cancels it within a second.
    server.leaseRevoked(new Lease(r.id(), "late-news", token.get()));
    await().atMost(Duration.ofSeconds(1)).until(() -> !cancelReasons.isEmpty());
    assertThat(cancelReasons.peek()).contains("lease revoked");
  }

  /** The storage, with the listeners subscribed to it also handed to {@code captured}. */
  private static JobStorage listenerCapturing(
      JobStorage storage, AtomicReference<StorageListener> captured) {
    return StorageInterceptor.before(
        storage, "subscribe", args -> captured.set((StorageListener) args[0]));
  }
}
