package dev.baton.tck.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.client.EnqueueResult;
import dev.baton.client.JobView;
import dev.baton.job.JobId;
import dev.baton.job.JobType;
import dev.baton.server.BatonServer;
import dev.baton.server.BatonServerConfig;
import dev.baton.state.JobState;
import dev.baton.storage.JobStorage;
import dev.baton.storage.RescuedServer;
import dev.baton.tck.StorageInterceptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A server fences itself: by its own monotonic clock (a {@link ManualTicker} here, so proof of life
 * ages exactly as the test says) it knows when a storage call last proved it alive, and once that
 * proof is older than {@code serverTimeout - margin} it starts nothing, claims nothing and cancels
 * what it runs, on a timer, even while a storage call hangs. It resumes when a call proves it alive
 * again. A server that hears it was declared dead cancels what it holds and starts nothing it had
 * leased. Claims and finishes prove it alive, so a busy server whose heartbeat is starved is not
 * declared dead.
 */
public abstract class SelfFencingSuite extends ServerSuite {
  public record Work(String name) {}

  static final JobType<Work> QUICK = JobType.of("tck.fence.quick", Work.class);
  static final JobType<Work> PATIENT = JobType.of("tck.fence.patient", Work.class);

  /** A job no storage hands over (it takes a permit), so that a server must claim it. */
  static final JobType<Work> CLAIMED =
      JobType.of("tck.fence.claimed", Work.class).withOptions(o -> o.mutex("tck-fence:{name}"));

  private final ManualTicker ticker = new ManualTicker();
  private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
  private final Queue<String> runTokens = new ConcurrentLinkedQueue<>();
  private final CountDownLatch patientStarted = new CountDownLatch(1);
  private final Queue<String> cancelReasons = new ConcurrentLinkedQueue<>();

  private BatonServer startFenced(ControlledConnection connection, String id) {
    return startServer(
        connection.storage(),
        fastConfig(id).build(),
        b ->
            b.ticker(ticker)
                .handle(QUICK, (args, ctx) -> count(args))
                .handle(
                    CLAIMED,
                    (args, ctx) -> {
                      count(args);
                      runTokens.add(args.name() + "#" + ctx.fencingToken());
                    })
                .handle(
                    PATIENT,
                    (args, ctx) -> {
                      if (count(args) == 1) {
                        runUntilCancelled(ctx, patientStarted, cancelReasons);
                      }
                    }));
  }

  private int count(Work args) {
    return runs.computeIfAbsent(args.name(), n -> new AtomicInteger()).incrementAndGet();
  }

  private int runsOf(String name) {
    AtomicInteger n = runs.get(name);
    return n == null ? 0 : n.get();
  }

  /** Every storage call but the blocked heartbeat fails: nothing can prove the server alive. */
  private static void cut(ControlledConnection connection) {
    connection.fail("claim", "claimOrOffer", "finish", "finishAll", "report", "leasedTo");
    connection.block("heartbeat");
  }

  private static void restore(ControlledConnection connection) {
    connection.heal();
    connection.unblock();
  }

  private Duration staleAge() {
    return fastConfig("any").build().serverTimeout();
  }

  @Test
  void aServerWithStaleProofOfLifeStartsNothingAndClaimsNothingUntilAHeartbeatSucceeds() {
    ControlledConnection connection = new ControlledConnection(fixture().newStorage());
    startFenced(connection, "tck-stale");
    cut(connection);
    ticker.advance(staleAge());
    await().pollDelay(Duration.ofMillis(300)).atMost(PROMPTLY).until(() -> true);
    int claimsWhenStale = connection.claimsAsked();

    // Handed over to an offer the server could not withdraw, or left in its queue: not started.
    connection.heal(); // the storage answers again, but only a heartbeat (still blocked) proves
    connection.fail("finish", "finishAll");
    List<JobId> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(client().enqueue(QUICK, new Work("stale-" + i)).id());
    }
    await()
        .during(Duration.ofMillis(500))
        .atMost(PROMPTLY)
        .until(() -> runs.isEmpty() && connection.claimsAsked() == claimsWhenStale);

    restore(connection); // the blocked beat returns; the next one, sent now, proves it alive
    for (JobId id : ids) {
      JobView done = awaitState(id, JobState.SUCCEEDED);
      assertThat(done.attempt()).isEqualTo(1);
      assertThat(entries(done, JobState.FAILED)).isEmpty();
    }
    for (int i = 0; i < 3; i++) {
      assertThat(runsOf("stale-" + i)).as("stale-" + i + " ran once").isEqualTo(1);
    }
  }

  @Test
  void aClaimAnsweredAfterTheProofWentStaleIsNotStarted() throws Exception {
    ControlledConnection connection = new ControlledConnection(fixture().newStorage());
    startFenced(connection, "tck-late-answer");
    connection.holdAnswers();
    EnqueueResult r = client().enqueue(CLAIMED, new Work("late-answer"));
    assertThat(connection.awaitHeldAnswer()).isTrue(); // leased in the storage, answer on its way
    cut(connection);
    ticker.advance(staleAge());
    connection.releaseAnswers(); // the claim proves the server alive only as of its send time

    await().during(Duration.ofMillis(400)).atMost(PROMPTLY).until(() -> runs.isEmpty());
    restore(connection);
    JobView done = awaitState(r.id(), JobState.SUCCEEDED);
    assertThat(runsOf("late-answer")).isEqualTo(1);
    assertThat(done.attempt()).isEqualTo(1);
  }

  @Test
  void runningJobsAreCancelledByTheTimerWhileTheHeartbeatCallHangs() throws Exception {
    ControlledConnection connection = new ControlledConnection(fixture().newStorage());
    startFenced(connection, "tck-watchdog");
    EnqueueResult r = client().enqueue(PATIENT, new Work("patient"));
    assertThat(patientStarted.await(5, TimeUnit.SECONDS)).isTrue();

    cut(connection); // the next heartbeat hangs in its call and never returns by itself
    await().during(Duration.ofMillis(300)).atMost(PROMPTLY).until(cancelReasons::isEmpty);
    ticker.advance(staleAge());
    await().atMost(PROMPTLY).until(() -> !cancelReasons.isEmpty());
    assertThat(cancelReasons.peek()).contains("no storage call proved server tck-watchdog alive");

    restore(connection);
    JobView done = awaitState(r.id(), JobState.SUCCEEDED);
    assertThat(runsOf("patient")).isEqualTo(2);
    assertThat(done.attempt()).as("released, not failed").isEqualTo(1);
    assertThat(entries(done, JobState.FAILED)).isEmpty();
  }

  @Test
  void aServerThatHearsItWasDeclaredDeadCancelsItsJobsAndStartsNoneItHadLeased() throws Exception {
    ControlledConnection connection = new ControlledConnection(fixture().newStorage());
    connection.dropRevocations(); // only the heartbeat tells the server
    startFenced(connection, "tck-declared-dead");
    EnqueueResult patient = client().enqueue(PATIENT, new Work("held"));
    assertThat(patientStarted.await(5, TimeUnit.SECONDS)).isTrue();
    connection.holdAnswers();
    EnqueueResult claimed = client().enqueue(CLAIMED, new Work("leased-before"));
    assertThat(connection.awaitHeldAnswer()).isTrue();
    long heldToken = view(claimed.id()).fencingToken();

    connection.block("heartbeat");
    JobStorage peer = fixture().newStorage();
    List<RescuedServer> rescued = new ArrayList<>();
    await()
        .atMost(PROMPTLY)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              rescued.addAll(peer.rescueDeadServers(Duration.ofMillis(200), "tck-peer"));
              return rescued.stream().anyMatch(s -> s.serverId().equals("tck-declared-dead"));
            });
    assertThat(view(patient.id()).state()).isEqualTo(JobState.ENQUEUED);
    assertThat(cancelReasons).as("no push told it").isEmpty();

    connection.unblock(); // the beat answers: not registered
    await().atMost(PROMPTLY).until(() -> !cancelReasons.isEmpty());
    assertThat(cancelReasons.peek()).contains("had been declared dead");
    connection.releaseAnswers(); // the claim leased before the rescue: not started

    awaitState(patient.id(), JobState.SUCCEEDED);
    JobView done = awaitState(claimed.id(), JobState.SUCCEEDED);
    assertThat(runsOf("leased-before")).isEqualTo(1);
    assertThat(runTokens).containsExactly("leased-before#" + done.fencingToken());
    assertThat(done.fencingToken()).isGreaterThan(heldToken);
    assertThat(done.attempt()).isEqualTo(1);
  }

  /**
   * The heartbeat hangs for three server timeouts, but the server keeps finishing (and claiming):
   * each applied finish renews its liveness in the storage, so a peer never declares it dead, and
   * its own proof of life stays fresh, so it never fences itself.
   */
  @Test
  void claimsAndFinishesProveLifeWhileTheHeartbeatIsStarved() {
    ControlledConnection connection = new ControlledConnection(fixture().newStorage());
    BatonServerConfig config = fastConfig("tck-busy").build();
    startServer(
        connection.storage(),
        config,
        b -> b.handle(QUICK, (args, ctx) -> count(args)).handle(PATIENT, (args, ctx) -> {}));
    Queue<RescuedServer> declared = new ConcurrentLinkedQueue<>();
    JobStorage watched =
        StorageInterceptor.after(
            fixture().newStorage(),
            "rescueDeadServers",
            (args, result) -> {
              for (Object dead : (List<?>) result) {
                declared.add((RescuedServer) dead);
              }
            });
    startServer(watched, fastConfig("tck-peer").queues("elsewhere").build(), b -> b);

    connection.block("heartbeat");
    long until = System.nanoTime() + config.serverTimeout().multipliedBy(3).toNanos();
    List<JobId> ids = new ArrayList<>();
    int n = 0;
    while (System.nanoTime() < until) {
      ids.add(client().enqueue(QUICK, new Work("busy-" + n++)).id());
      await().pollDelay(Duration.ofMillis(50)).atMost(PROMPTLY).until(() -> true);
    }
    assertThat(declared).as("servers declared dead").isEmpty();
    for (JobId id : ids) {
      JobView done = awaitState(id, JobState.SUCCEEDED);
      assertThat(entries(done, JobState.PROCESSING)).as("ran once: " + id).hasSize(1);
    }
    connection.unblock();
    assertThat(declared).isEmpty();
  }
}
