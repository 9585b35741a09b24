package dev.baton.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cancels every job this server runs once its proof of life ({@link Liveness}) goes stale, on a
 * thread of its own that never calls the storage: a storage call that blocks (a cut connection, a
 * hung socket) cannot delay it. It fires by the server's own clock, {@link
 * BatonServerConfig#selfFenceMargin()} before a peer may declare the server dead, not when a
 * failing call finally returns. Logs once when the proof goes stale and once when it is fresh
 * again.
 */
final class Watchdog implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Watchdog.class);

  private final BatonServerConfig config;
  private final Liveness liveness;
  private final Supplier<Collection<RunningJob>> running;
  private final Runnable changed;
  private boolean stale; // only on the watchdog thread

  /**
   * @param changed called when the proof goes stale or fresh again (to wake the claim loop, which
   *     withdraws its offer or claims again)
   */
  Watchdog(
      BatonServerConfig config,
      Liveness liveness,
      Supplier<Collection<RunningJob>> running,
      Runnable changed) {
    this.config = config;
    this.liveness = liveness;
    this.running = running;
    this.changed = changed;
  }

  /**
   * How often the watchdog looks: a fifth of the margin, between 10 ms and 100 ms. Its lateness is
   * taken from the margin, so it must be small against it; a look costs a clock read.
   */
  static Duration period(BatonServerConfig config) {
    long millis = config.selfFenceMargin().toMillis() / 5;
    return Duration.ofMillis(Math.max(10, Math.min(100, millis)));
  }

  @Override
  public void run() {
    try {
      look();
    } catch (RuntimeException | Error e) { // a scheduled task that throws is never run again
      log.error("server {}: the self-fence watchdog failed; it goes on", config.serverId(), e);
    }
  }

  void look() {
    if (!liveness.everProved()) {
      return; // not registered yet: nothing runs, nothing is claimed
    }
    long age = liveness.ageNanos();
    if (age < liveness.fenceNanos()) {
      if (stale) {
        stale = false;
        log.info(
            "server {} has fresh proof of life again (a storage call succeeded); it claims and"
                + " starts jobs again",
            config.serverId());
        changed.run();
      }
      return;
    }
    List<Runnable> fired = new ArrayList<>();
    String reason = reason(age);
    for (RunningJob job : running.get()) {
      if (!job.isFinishing()) { // a finishing job's handler is done; its write is fenced
        Runnable callbacks = job.cancellation().fireLater(Cancellation.Cause.LEASE_LOST, reason);
        if (callbacks != null) {
          fired.add(callbacks);
        }
      }
    }
    if (!stale) {
      stale = true;
      log.error(
          "server {}: {}; cancelled its {} running jobs, and it claims and starts nothing until a"
              + " storage call proves it alive again",
          config.serverId(),
          reason,
          fired.size());
      changed.run();
    }
    // Every token is set before any callback runs: a callback that blocks delays no other job.
    fired.forEach(Runnable::run);
  }

  private String reason(long ageNanos) {
    return "no storage call proved server "
        + config.serverId()
        + " alive for "
        + Duration.ofNanos(ageNanos).toMillis()
        + " ms (self-fence at serverTimeout "
        + config.serverTimeout()
        + " - margin "
        + config.selfFenceMargin()
        + "); a peer may declare it dead and rerun its jobs";
  }
}
