package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.job.JobId;
import dev.baton.job.JobType;
import dev.baton.json.JsonCodec;
import dev.baton.storage.HeartbeatResult;
import dev.baton.storage.JobSpec;
import dev.baton.storage.JobStorage;
import dev.baton.storage.Lease;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.RunOutcome;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The self-fence in the small: proof of life by the server's own clock, the watchdog that cancels
 * on a timer, the refusal to start on stale proof or after being declared dead, the heartbeat that
 * hears it was declared dead.
 */
class SelfFenceTest {
  record Args(String name) {}

  static final JobType<Args> TYPE = JobType.of("self-fence", Args.class);

  private final BatonServerConfig config =
      BatonServerConfig.builder()
          .serverId("fenced")
          .heartbeatInterval(Duration.ofMillis(100))
          .serverTimeout(Duration.ofSeconds(1))
          .build();
  private final ManualTicker ticker = new ManualTicker();
  private final Liveness liveness = new Liveness(ticker, config);
  private final Map<JobId, RunningJob> running = new ConcurrentHashMap<>();

  private RunningJob running(long token) {
    JobId id = JobId.newId();
    JobSpec spec =
        new JobSpec(
            id, TYPE.name(), "default", "{\"name\":\"x\"}", "{}", 3, null, null, null, null);
    LeasedJob leased = new LeasedJob(new Lease(id, "fenced", token), spec, 1, Instant.now());
    RunningJob job =
        new RunningJob(leased, null, new StorageClock(), liveness.epoch(), Runnable::run);
    running.put(id, job);
    return job;
  }

  @Test
  void proofIsFreshUntilTheTimeoutLessTheMargin() {
    assertThat(liveness.fresh()).as("no proof yet").isFalse();
    liveness.proved(ticker.nanoTime());
    ticker.advance(Duration.ofMillis(749));
    assertThat(liveness.fresh()).isTrue();
    ticker.advance(Duration.ofMillis(1));
    assertThat(liveness.fresh()).isFalse();
    long old = ticker.nanoTime() - Duration.ofSeconds(5).toNanos();
    liveness.proved(old); // an old call answered late proves nothing newer
    assertThat(liveness.fresh()).isFalse();
    liveness.proved(ticker.nanoTime());
    assertThat(liveness.fresh()).isTrue();
  }

  @Test
  void theWatchdogCancelsRunningJobsOnceTheProofIsStaleAndSaysWhenItIsFreshAgain() {
    AtomicInteger changes = new AtomicInteger();
    Watchdog watchdog = new Watchdog(config, liveness, running::values, changes::incrementAndGet);
    RunningJob job = running(1);
    RunningJob finishing = running(1);
    finishing.finishing();
    liveness.proved(ticker.nanoTime());

    watchdog.look();
    assertThat(job.isCancellationRequested()).isFalse();
    ticker.advance(config.selfFenceAfter());
    watchdog.look();
    assertThat(job.isCancellationRequested()).isTrue();
    assertThat(job.cancellationReason()).contains("no storage call proved server fenced alive");
    assertThat(job.cancellation().cause()).isEqualTo(Cancellation.Cause.LEASE_LOST);
    assertThat(finishing.isCancellationRequested()).as("its write is fenced").isFalse();
    assertThat(changes).hasValue(1);

    RunningJob late = running(2); // leased while stale: cancelled at the next look too
    watchdog.look();
    assertThat(late.isCancellationRequested()).isTrue();
    assertThat(changes).as("once per episode").hasValue(1);

    liveness.proved(ticker.nanoTime());
    watchdog.look();
    assertThat(changes).hasValue(2);
    RunningJob after = running(3);
    watchdog.look();
    assertThat(after.isCancellationRequested()).isFalse();
  }

  @Test
  void aWatchdogCallbackThatBlocksDoesNotDelayTheOtherTokens() {
    RunningJob first = running(1);
    RunningJob second = running(1);
    AtomicBoolean secondSeenBeforeCallback = new AtomicBoolean();
    Runnable check =
        () ->
            secondSeenBeforeCallback.set(
                first.isCancellationRequested() && second.isCancellationRequested());
    first.onCancel(check);
    second.onCancel(check);
    liveness.proved(ticker.nanoTime());
    ticker.advance(Duration.ofSeconds(1));
    new Watchdog(config, liveness, running::values, () -> {}).look();
    assertThat(secondSeenBeforeCallback).as("both tokens set before any callback").isTrue();
  }

  @Test
  void aWorkerDoesNotStartAJobOnStaleProofAndReleasesIt() {
    AtomicInteger runs = new AtomicInteger();
    JobRunner runner = runner(runs);
    liveness.proved(ticker.nanoTime());
    RunningJob fresh = running(1);
    assertThat(runner.run(fresh).outcome()).isInstanceOf(RunOutcome.Succeeded.class);
    assertThat(runs).hasValue(1);

    ticker.advance(config.selfFenceAfter());
    RunningJob stale = running(2);
    JobRunner.Elected elected = runner.run(stale);
    assertThat(runs).as("the handler did not run").hasValue(1);
    assertThat(elected.outcome()).isInstanceOf(RunOutcome.Released.class);
    assertThat(elected.outcome().reason()).contains("did not start the job", "self-fence");
    assertThat(stale.isCancellationRequested()).isTrue();
  }

  @Test
  void aJobLeasedBeforeTheServerHeardItWasDeclaredDeadDoesNotStart() {
    AtomicInteger runs = new AtomicInteger();
    JobRunner runner = runner(runs);
    liveness.proved(ticker.nanoTime());
    RunningJob leasedBefore = running(1);
    liveness.declaredDead();
    JobRunner.Elected elected = runner.run(leasedBefore);
    assertThat(runs).hasValue(0);
    assertThat(elected.outcome().reason()).contains("declared dead after it leased the job");
    assertThat(runner.run(running(2)).outcome()).isInstanceOf(RunOutcome.Succeeded.class);
  }

  @Test
  void aJobWhoseTokenFiredBeforeItStartedDoesNotStart() {
    AtomicInteger runs = new AtomicInteger();
    JobRunner runner = runner(runs);
    liveness.proved(ticker.nanoTime());
    RunningJob revoked = running(1);
    revoked.revoked();
    assertThat(runner.run(revoked).outcome()).isInstanceOf(RunOutcome.Released.class);
    assertThat(runs).hasValue(0);
  }

  @Test
  void aHeartbeatThatFindsTheServerDeclaredDeadCancelsEveryJobItHolds() {
    AtomicBoolean registered = new AtomicBoolean(false);
    JobStorage storage =
        heartbeats(
            () -> {
              boolean was = registered.getAndSet(true);
              return new HeartbeatResult(Instant.now(), was, List.of());
            });
    Heartbeat heartbeat =
        new Heartbeat(
            storage, config, "host", new StorageClock(), liveness, running::values, running::get);
    heartbeat.beat(); // registers
    assertThat(liveness.fresh()).isTrue();
    RunningJob job = running(1);
    RunningJob finishing = running(1);
    finishing.finishing();
    heartbeat.beat();
    assertThat(job.isCancellationRequested()).isFalse();

    registered.set(false); // a peer declared it dead
    ticker.advance(Duration.ofMillis(10));
    heartbeat.beat();
    assertThat(job.isCancellationRequested()).isTrue();
    assertThat(job.cancellationReason()).contains("had been declared dead");
    assertThat(finishing.isCancellationRequested()).isFalse();
    assertThat(liveness.epoch()).isEqualTo(1);
    assertThat(liveness.fresh()).as("the beat registered it again").isTrue();
  }

  @Test
  void aFailingHeartbeatProvesNothingAndLeavesCancellingToTheWatchdog() {
    AtomicBoolean fail = new AtomicBoolean(false);
    JobStorage storage =
        heartbeats(
            () -> {
              if (fail.get()) {
                throw new IllegalStateException("storage unreachable (test)");
              }
              return new HeartbeatResult(Instant.now(), true, List.of());
            });
    Heartbeat heartbeat =
        new Heartbeat(
            storage, config, "host", new StorageClock(), liveness, running::values, running::get);
    heartbeat.beat();
    RunningJob job = running(1);
    fail.set(true);
    ticker.advance(Duration.ofSeconds(5));
    heartbeat.beat();
    assertThat(liveness.fresh()).isFalse();
    assertThat(job.isCancellationRequested()).isFalse();
    new Watchdog(config, liveness, running::values, () -> {}).look();
    assertThat(job.isCancellationRequested()).isTrue();
  }

  @Test
  void lateBeatsAreMeasured() {
    LatenessMeter meter = new LatenessMeter();
    for (int i = 1; i <= 200; i++) {
      meter.record(Duration.ofMillis(i).toNanos());
    }
    HeartbeatLateness late = meter.snapshot();
    assertThat(late.beats()).isEqualTo(LatenessMeter.WINDOW);
    assertThat(late.max()).isEqualTo(Duration.ofMillis(200));
    assertThat(late.p99()).isEqualTo(Duration.ofMillis(199));
    assertThat(new LatenessMeter().snapshot().max()).isEqualTo(Duration.ZERO);
    assertThat(Duration.ofNanos(Heartbeat.warnLateNanos(config)))
        .as("half of selfFenceAfter - heartbeatInterval")
        .isEqualTo(Duration.ofMillis(325));
  }

  @Test
  void aSlowHeartbeatCallIsNotCountedAsLatenessOfTheNextBeat() {
    JobStorage slow =
        heartbeats(
            () -> {
              try {
                Thread.sleep(300);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return new HeartbeatResult(Instant.now(), true, List.of());
            });
    Heartbeat heartbeat =
        new Heartbeat(
            slow, config, "host", new StorageClock(), liveness, running::values, running::get);
    heartbeat.scheduleFrom(System.nanoTime());
    heartbeat.scheduledBeat(); // on time, takes 300 ms
    heartbeat.scheduledBeat(); // due 100 ms after the first, starts 300 ms after it
    assertThat(heartbeat.lateness().beats()).isEqualTo(2);
    assertThat(heartbeat.lateness().max()).isLessThan(Duration.ofMillis(150));
  }

  @Test
  void aStorageCallThatMayBlockPastTheSelfFenceIsRefusedAtBuild() {
    BatonServer.checkCallTimeouts(Duration.ofMillis(749), config);
    BatonServerConfig defaults = BatonServerConfig.defaults();
    assertThatThrownBy(() -> BatonServer.checkCallTimeouts(Duration.ofSeconds(10), defaults))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a storage call may block for PT10S")
        .hasMessageContaining("serverTimeout PT8S minus the self-fence margin PT2S = PT6S")
        .hasMessageContaining("lower the storage's call timeout below PT6S")
        .hasMessageContaining("raise serverTimeout to at least PT13.334S");
    // 13.334 s - max(2 s, 3.33 s) = 10.001 s: accepted.
    BatonServer.checkCallTimeouts(
        Duration.ofSeconds(10),
        BatonServerConfig.builder().serverTimeout(Duration.ofMillis(13_334)).build());
  }

  private JobRunner runner(AtomicInteger runs) {
    Handlers.Builder handlers = new Handlers.Builder();
    handlers.add(TYPE, (args, ctx) -> runs.incrementAndGet());
    JobTimeouts timeouts = new JobTimeouts("self-fence", Duration.ofSeconds(1), stuck -> {});
    return new JobRunner(
        handlers.build(),
        List.of(),
        new JsonCodec(),
        config,
        () -> true,
        liveness,
        timeouts,
        new UnknownTypePolicy(
            Duration.ZERO, Instant::now, new dev.baton.stats.UnknownTypes(), () -> 0));
  }

  /** A storage that answers heartbeats with {@code answer} and nothing else. */
  private static JobStorage heartbeats(Supplier<HeartbeatResult> answer) {
    return (JobStorage)
        Proxy.newProxyInstance(
            JobStorage.class.getClassLoader(),
            new Class<?>[] {JobStorage.class},
            (proxy, method, args) -> {
              if (method.getName().equals("heartbeat")) {
                return answer.get();
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }
}
