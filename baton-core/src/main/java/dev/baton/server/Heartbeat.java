package dev.baton.server;

import dev.baton.job.JobId;
import dev.baton.storage.HeartbeatResult;
import dev.baton.storage.JobStorage;
import dev.baton.storage.Lease;
import dev.baton.storage.ServerBeat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's heartbeat, run on a dedicated thread every heartbeat interval: registers the server,
 * lists the leases it believes it holds, cancels those the storage says it lost, and renews the
 * server's proof of life ({@link Liveness}). When a beat finds the server had been declared dead,
 * every job it still holds is cancelled at once and none it had claimed starts. Cancelling jobs
 * when beats fail is the {@link Watchdog}'s: a failing call may take long to return.
 *
 * <p>It also measures how late each scheduled beat starts ({@link LatenessMeter}) and warns when
 * that lateness eats half the slack between a beat and the self-fence.
 */
final class Heartbeat {
  private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

  private final JobStorage storage;
  private final BatonServerConfig config;
  private final String host;
  private final StorageClock clock;
  private final Liveness liveness;
  private final Supplier<Collection<RunningJob>> running;
  private final Function<JobId, RunningJob> lookup;
  private final LatenessMeter lateness = new LatenessMeter();
  private final long intervalNanos;
  private final long warnLateNanos;
  private volatile boolean registered;
  private boolean everRegistered;
  private boolean failing;
  private long nextScheduled; // on the heartbeat thread
  private long lastEnded; // on the heartbeat thread
  private int beatsSinceWarning = LatenessMeter.WINDOW;

  Heartbeat(
      JobStorage storage,
      BatonServerConfig config,
      String host,
      StorageClock clock,
      Liveness liveness,
      Supplier<Collection<RunningJob>> running,
      Function<JobId, RunningJob> lookup) {
    this.storage = storage;
    this.config = config;
    this.host = host;
    this.clock = clock;
    this.liveness = liveness;
    this.running = running;
    this.lookup = lookup;
    this.intervalNanos = config.heartbeatInterval().toNanos();
    this.warnLateNanos = warnLateNanos(config);
  }

  /**
   * Half the slack a beat has before the proof of life goes stale ({@code selfFenceAfter -
   * heartbeatInterval}): a beat that late leaves no room for one more late beat.
   */
  static long warnLateNanos(BatonServerConfig config) {
    return config.selfFenceAfter().minus(config.heartbeatInterval()).toNanos() / 2;
  }

  /** Whether the server registered: it may claim once its proof of life is fresh too. */
  boolean registered() {
    return registered;
  }

  /** The lateness of recent scheduled beats. */
  HeartbeatLateness lateness() {
    return lateness.snapshot();
  }

  /** The first scheduled beat is due at {@code firstNanos} ({@link System#nanoTime()}). */
  void scheduleFrom(long firstNanos) {
    nextScheduled = firstNanos;
    lastEnded = firstNanos - intervalNanos;
  }

  /**
   * A scheduled beat (at a fixed rate): measures how late it started, then beats. Lateness is
   * counted from its schedule or from the end of the previous beat, whichever is later: a slow
   * storage call is not the scheduler's lateness (and the beats it held up then start at once).
   */
  void scheduledBeat() {
    long start = System.nanoTime();
    long due = nextScheduled - lastEnded > 0 ? nextScheduled : lastEnded;
    long late = start - due;
    nextScheduled += intervalNanos;
    lateness.record(late);
    beatsSinceWarning++;
    if (late >= warnLateNanos && beatsSinceWarning >= LatenessMeter.WINDOW) {
      beatsSinceWarning = 0;
      HeartbeatLateness recent = lateness.snapshot();
      log.warn(
          "heartbeat of server {} started {} ms late (p99 {} ms, max {} ms over the last {} beats);"
              + " a beat more than {} ms late lets its proof of life go stale (selfFenceAfter {} -"
              + " heartbeatInterval {}) and it then cancels its jobs: raise serverTimeout (now {})"
              + " or give the server more CPU",
          config.serverId(),
          Duration.ofNanos(late).toMillis(),
          recent.p99().toMillis(),
          recent.max().toMillis(),
          recent.beats(),
          config.selfFenceAfter().minus(config.heartbeatInterval()).toMillis(),
          config.selfFenceAfter(),
          config.heartbeatInterval(),
          config.serverTimeout());
    }
    beat();
    lastEnded = System.nanoTime();
  }

  /**
   * One beat; never throws. Synchronized: the first beat runs on the thread that starts the server.
   */
  synchronized void beat() {
    long sent = liveness.now();
    List<Lease> leases = running.get().stream().map(RunningJob::lease).toList();
    HeartbeatResult result;
    try {
      result =
          storage.heartbeat(
              new ServerBeat(config.serverId(), host, config.queues(), config.workers(), leases));
    } catch (RuntimeException e) {
      onFailure(e);
      return;
    }
    if (!result.wasRegistered() && everRegistered) {
      declaredDead();
    }
    liveness.proved(sent);
    clock.observe(result.storageTime());
    if (failing) {
      log.info("server {} can heartbeat again", config.serverId());
      failing = false;
    }
    everRegistered = true;
    registered = true;
    for (JobId id : result.revoked()) {
      RunningJob job = lookup.apply(id);
      if (job != null && job.revoked()) {
        log.warn(
            "heartbeat: server {} no longer holds the lease of job {} (token {}); cancelling it",
            config.serverId(),
            id,
            job.fencingToken());
      }
    }
  }

  /**
   * A peer declared this server dead (silent past the server timeout by the storage's clock) and
   * requeued its jobs, which may already run elsewhere: every job still held here is cancelled, and
   * none it had leased before now starts ({@link Liveness#epoch}). Its proof of life is renewed by
   * this very beat, which registered it again.
   */
  private void declaredDead() {
    liveness.declaredDead(); // first: a job leased meanwhile is refused at its start
    String reason =
        "server "
            + config.serverId()
            + " had been declared dead (silent past serverTimeout "
            + config.serverTimeout()
            + "); its jobs were requeued and may run elsewhere";
    List<Runnable> fired = new ArrayList<>();
    for (RunningJob job : running.get()) {
      if (!job.isFinishing()) { // a finishing job's outcome write is fenced by the storage
        Runnable callbacks = job.cancellation().fireLater(Cancellation.Cause.LEASE_LOST, reason);
        if (callbacks != null) {
          fired.add(callbacks);
        }
      }
    }
    log.warn(
        "server {} had been declared dead by a peer (no proof of life for {}); its jobs were"
            + " requeued elsewhere; it cancelled the {} it still held, starts none it had claimed,"
            + " and registered again",
        config.serverId(),
        config.serverTimeout(),
        fired.size());
    fired.forEach(Runnable::run);
  }

  private void onFailure(RuntimeException e) {
    if (!failing) {
      log.warn(
          "server {} could not heartbeat (it cancels its jobs if no storage call succeeds within"
              + " {}): {}",
          config.serverId(),
          config.selfFenceAfter(),
          e.toString());
      failing = true;
    } else {
      log.debug("server {} still cannot heartbeat: {}", config.serverId(), e.toString());
    }
  }
}
