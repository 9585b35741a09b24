package dev.baton.server;

import dev.baton.job.JobId;
import dev.baton.storage.HeartbeatResult;
import dev.baton.storage.JobStorage;
import dev.baton.storage.Lease;
import dev.baton.storage.ServerBeat;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's heartbeat, run on a dedicated thread every heartbeat interval: registers the server,
 * lists the leases it believes it holds, cancels those the storage says it lost, and, when it could
 * not beat for the server timeout, cancels every job it runs, because by then a peer may have
 * rescued them.
 */
final class Heartbeat {
  private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

  private final JobStorage storage;
  private final BatonServerConfig config;
  private final String host;
  private final StorageClock clock;
  private final Supplier<Collection<RunningJob>> running;
  private final Function<JobId, RunningJob> lookup;
  private volatile boolean registered;
  private boolean everRegistered;
  private long lastOkSentNanos = System.nanoTime();
  private boolean failing;
  private boolean outageCancelled;

  Heartbeat(
      JobStorage storage,
      BatonServerConfig config,
      String host,
      StorageClock clock,
      Supplier<Collection<RunningJob>> running,
      Function<JobId, RunningJob> lookup) {
    this.storage = storage;
    this.config = config;
    this.host = host;
    this.clock = clock;
    this.running = running;
    this.lookup = lookup;
  }

  /** Whether the last beat succeeded: the server may claim. */
  boolean registered() {
    return registered;
  }

  /**
   * One beat; never throws. Synchronized: the first beat runs on the thread that starts the server.
   */
  synchronized void beat() {
    long sent = System.nanoTime();
    List<Lease> leases = running.get().stream().map(RunningJob::lease).toList();
    HeartbeatResult result;
    try {
      result =
          storage.heartbeat(
              new ServerBeat(config.serverId(), host, config.queues(), config.workers(), leases));
    } catch (RuntimeException e) {
      onFailure(sent, e);
      return;
    }
    clock.observe(result.storageTime());
    if (failing) {
      log.info("server {} can heartbeat again", config.serverId());
      failing = false;
    }
    lastOkSentNanos = sent;
    outageCancelled = false;
    if (!result.wasRegistered() && everRegistered) {
      log.warn(
          "server {} had been declared dead by a peer (no heartbeat for {}); its jobs were requeued"
              + " elsewhere; it registered again",
          config.serverId(),
          config.serverTimeout());
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

  private void onFailure(long sent, RuntimeException e) {
    long silentNanos = sent - lastOkSentNanos;
    if (!failing) {
      log.warn("server {} could not heartbeat: {}", config.serverId(), e.toString());
      failing = true;
    } else {
      log.debug("server {} still cannot heartbeat: {}", config.serverId(), e.toString());
    }
    if (!outageCancelled && silentNanos >= config.serverTimeout().toNanos()) {
      outageCancelled = true;
      registered = false;
      Collection<RunningJob> jobs = running.get();
      log.error(
          "server {} could not heartbeat for {} (server timeout); cancelling its {} running jobs,"
              + " since a peer may rescue them",
          config.serverId(),
          config.serverTimeout(),
          jobs.size());
      for (RunningJob job : jobs) {
        if (job.isFinishing()) {
          continue; // its handler is done; its outcome is being written (and fenced)
        }
        job.cancellation()
            .fire(
                Cancellation.Cause.LEASE_LOST,
                "server could not heartbeat for "
                    + config.serverTimeout()
                    + "; lease presumed lost");
      }
    }
  }
}
