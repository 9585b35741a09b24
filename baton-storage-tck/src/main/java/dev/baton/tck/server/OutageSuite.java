package dev.baton.tck.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.client.EnqueueResult;
import dev.baton.client.JobView;
import dev.baton.job.JobType;
import dev.baton.server.BatonServer;
import dev.baton.state.JobState;
import dev.baton.storage.JobStorage;
import dev.baton.tck.StorageInterceptor;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A storage outage never kills a server: it logs, backs off and goes on. An outage that outlasts
 * the self-fence ({@code serverTimeout} less its margin) cancels the server's running jobs, before
 * a peer may rescue them; they are freed again without spending an attempt once the storage
 * answers. A claim whose answer was lost does not strand its jobs.
 */
public abstract class OutageSuite extends ServerSuite {
  public record Work(String name) {}

  static final JobType<Work> QUICK = JobType.of("tck.quick", Work.class);
  static final JobType<Work> PATIENT = JobType.of("tck.patient", Work.class);

  private final AtomicInteger patientRuns = new AtomicInteger();
  private final CountDownLatch patientStarted = new CountDownLatch(1);
  private final Queue<String> cancelReasons = new ConcurrentLinkedQueue<>();

  private BatonServer startOn(OutageStorage connection) {
    return startServer(
        connection,
        fastConfig("outage").build(),
        b ->
            b.handle(QUICK, (args, ctx) -> {})
                .handle(
                    PATIENT,
                    (args, ctx) -> {
                      if (patientRuns.incrementAndGet() > 1) {
                        return;
                      }
                      runUntilCancelled(ctx, patientStarted, cancelReasons);
                    }));
  }

  @Test
  void aShortOutageIsRiddenOut() {
    OutageStorage connection = new OutageStorage(fixture().newStorage());
    BatonServer server = startOn(connection);
    connection.down();
    EnqueueResult r = client().enqueue(QUICK, new Work("during outage"));
    // Waits in its queue; or, on a storage that hands over, it was handed over to the server's
    // offer, which the outage does not take back (the server then runs it, and its outcome waits
    // for the connection).
    JobState waiting = r.state() == JobState.PROCESSING ? JobState.PROCESSING : JobState.ENQUEUED;
    assertThat(waiting == JobState.ENQUEUED || storage().handsOver()).isTrue();
    await()
        .during(Duration.ofMillis(400))
        .atMost(PROMPTLY)
        .until(() -> view(r.id()).state() == waiting);
    connection.up();

    awaitState(r.id(), JobState.SUCCEEDED);
    assertThat(server.isRunning()).isTrue();
    EnqueueResult next = client().enqueue(QUICK, new Work("after"));
    awaitState(next.id(), JobState.SUCCEEDED);
  }

  @Test
  void anOutageLongerThanTheServerTimeoutCancelsRunningJobsThatThenRunAgain() throws Exception {
    OutageStorage connection = new OutageStorage(fixture().newStorage());
    startOn(connection);
    EnqueueResult r = client().enqueue(PATIENT, new Work("patient"));
    assertThat(patientStarted.await(5, TimeUnit.SECONDS)).isTrue();

    connection.down();
    // The server self-fences before its server timeout (fitted to the storage's call timeouts).
    await().atMost(fastServerTimeout().plusSeconds(1)).until(() -> !cancelReasons.isEmpty());
    assertThat(cancelReasons.peek()).contains("no storage call proved server outage alive");
    connection.up();

    JobView done = awaitState(r.id(), JobState.SUCCEEDED);
    assertThat(patientRuns).hasValue(2);
    assertThat(done.attempt()).isEqualTo(1);
    assertThat(entries(done, JobState.FAILED)).isEmpty();
    assertThat(entries(done, JobState.SCHEDULED)).isEmpty();
  }

  /**
   * The storage leased a job but the server heard an error (a timeout, a connection reset after the
   * commit): the job is PROCESSING under a live server that does not run it. The server looks for
   * such leases once the storage answers again, and runs the job once. The server timeout is long,
   * so the periodic look for lost hand-overs cannot be what finds it.
   */
  @Test
  void aClaimWhoseAnswerWasLostIsRunOnceTheStorageAnswersAgain() {
    EnqueueResult r = client().enqueue(QUICK, new Work("answer lost"));
    AtomicBoolean lose = new AtomicBoolean(true);
    String claim = storage().handsOver() ? "claimOrOffer" : "claim";
    JobStorage lossy =
        StorageInterceptor.after(
            fixture().newStorage(),
            claim,
            (args, leased) -> {
              if (!((List<?>) leased).isEmpty() && lose.getAndSet(false)) {
                throw new IllegalStateException("the claim's answer was lost (test)");
              }
            });
    AtomicInteger runs = new AtomicInteger();
    startServer(
        lossy,
        fastConfig("lost-answer").serverTimeout(Duration.ofSeconds(60)).build(),
        b -> b.handle(QUICK, (args, ctx) -> runs.incrementAndGet()));

    JobView done = awaitState(r.id(), JobState.SUCCEEDED);
    assertThat(lose).isFalse(); // the answer was really lost
    assertThat(done.attempt()).isEqualTo(1);
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(1))
        .until(() -> runs.get() == 1);
  }

  /**
   * The storage acknowledged a job's outcome and then lost it (a Redis restart from an older
   * snapshot, a failover to a replica that lagged): the job is PROCESSING again under the server
   * that ran it, which no longer runs it. The server's next look for such leases (here after a
   * claim fails, as the outage would make one) runs the job again: at least once, never stuck.
   */
  @Test
  void aJobWhoseWrittenOutcomeTheStorageLostRunsAgain() throws InterruptedException {
    AtomicBoolean loseOutcome = new AtomicBoolean(true);
    AtomicBoolean failNextClaim = new AtomicBoolean();
    CountDownLatch claimed = new CountDownLatch(1);
    // One job, so its outcome is written by finish (a batch of one), acknowledged, never stored.
    JobStorage forgetful =
        StorageInterceptor.around(
            fixture().newStorage(),
            "finish",
            call -> {
              if (!loseOutcome.getAndSet(false)) {
                return call.get();
              }
              failNextClaim.set(true);
              return true;
            });
    JobStorage lossy =
        StorageInterceptor.around(
            forgetful,
            storage().handsOver() ? "claimOrOffer" : "claim",
            call -> {
              if (failNextClaim.getAndSet(false)) {
                throw new IllegalStateException("storage unreachable (test)");
              }
              Object leased = call.get();
              claimed.countDown();
              return leased;
            });
    AtomicInteger runs = new AtomicInteger();
    startServer(
        lossy,
        fastConfig("lost-outcome").serverTimeout(Duration.ofSeconds(60)).build(),
        b -> b.handle(QUICK, (args, ctx) -> runs.incrementAndGet()));
    // After the first claim, a storage that hands over has the server's offer: the job is handed
    // over, the case where the server remembers having run that very lease.
    assertThat(claimed.await(5, TimeUnit.SECONDS)).isTrue();

    EnqueueResult r = client().enqueue(QUICK, new Work("outcome lost"));
    await().atMost(PROMPTLY).until(() -> runs.get() == 2);
    JobView done = awaitState(r.id(), JobState.SUCCEEDED);
    assertThat(loseOutcome).isFalse();
    assertThat(done.attempt()).isEqualTo(1);
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(1))
        .until(() -> runs.get() == 2);
  }
}
