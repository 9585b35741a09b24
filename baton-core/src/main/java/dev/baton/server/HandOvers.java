package dev.baton.server;

import dev.baton.storage.JobStorage;
import dev.baton.storage.Lease;
import dev.baton.storage.LeasedJob;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jobs the storage handed over to this server ({@link JobStorage#claimOrOffer}): started on a
 * worker at once, at most once per lease. The same lease may be pushed twice, or come back from
 * {@link JobStorage#leasedTo} after a push was lost, so every started hand-over is remembered for
 * {@link #REMEMBER_NANOS} (at most {@link #MAX_REMEMBERED} of them). The same look at {@code
 * leasedTo} ({@link #recover}) also finds jobs a claim leased whose answer was lost, and jobs whose
 * outcome this server wrote but the storage lost (a Redis restart from an older snapshot, a
 * failover to a replica that lagged): each runs again (at least once, as after a server's death).
 *
 * <p>Pushes arrive on a storage thread, which must never wait for the storage: starting a job only
 * queues it for a worker, and anything that writes (releasing a job pushed to a stopping server) or
 * reads ({@link #recover}) runs on {@code background}.
 */
final class HandOvers {
  private static final Logger log = LoggerFactory.getLogger(HandOvers.class);
  static final long REMEMBER_NANOS = TimeUnit.MINUTES.toNanos(5);
  static final int MAX_REMEMBERED = 100_000;

  private final String serverId;
  private final JobStorage storage;
  private final WorkerPool workers;
  private final Liveness liveness;
  private final Consumer<Lease> release;
  private final BooleanSupplier stopping;
  private final Executor background;
  private final Consumer<Runnable> notClaiming;
  private final Map<Lease, Started> started = new LinkedHashMap<>(); // guarded by itself
  private final Object recovering = new Object();

  /** While {@link #recover} runs: every lease started meanwhile, claimed or handed over. */
  private volatile Set<Lease> startedDuringRecovery;

  /** The storage cannot list a server's leases ({@code leasedTo} is unsupported). */
  private volatile boolean cannotLook;

  /** Counts outcomes of remembered hand-overs the storage answered, in order. */
  private final AtomicLong outcomesWritten = new AtomicLong();

  /** A look requested in the background has not started yet. */
  private final AtomicBoolean lookQueued = new AtomicBoolean();

  HandOvers(
      String serverId,
      JobStorage storage,
      WorkerPool workers,
      Liveness liveness,
      Consumer<Lease> release,
      BooleanSupplier stopping,
      Executor background,
      Consumer<Runnable> notClaiming) {
    this.serverId = serverId;
    this.storage = storage;
    this.workers = workers;
    this.liveness = liveness;
    this.release = release;
    this.stopping = stopping;
    this.background = background;
    this.notClaiming = notClaiming;
  }

  /**
   * A push: {@code job} was handed over to this server. Never blocks. Returns whether the job was
   * started (false for a lease heard before, or one pushed to a stopping server, which is
   * released).
   */
  boolean handedOver(LeasedJob job) {
    return handedOver(job, liveness.epoch());
  }

  /** {@link #handedOver(LeasedJob)}, for a lease asked for in {@code epoch} ({@link Liveness}). */
  private boolean handedOver(LeasedJob job, int epoch) {
    Lease lease = job.lease();
    if (!firstTime(lease)) {
      if (outcomeWrittenAt(lease) != 0) {
        // The same lease again after its outcome was written: the storage lost that write and
        // handed the job over anew (its fencing token rolled back with it). Or a late duplicate
        // push: only a look at the storage can tell.
        recoverInBackground();
      }
      return false;
    }
    if (holds(lease)) {
      return false;
    }
    if (stopping.getAsBoolean()) {
      // Pushed after the offer was withdrawn (it crossed the withdrawal): back to its queue.
      inBackground(() -> release.accept(lease));
      return false;
    }
    workers.start(job, epoch, j -> inBackground(() -> release.accept(j.lease())));
    noteStarted(lease);
    return true;
  }

  /**
   * The storage answered the outcome of {@code lease}'s run (before the job leaves the running
   * set): if the storage later says the lease is PROCESSING again, it lost that write.
   */
  void outcomeWritten(Lease lease) {
    synchronized (started) {
      Started s = started.get(lease);
      if (s != null) {
        s.outcomeWrittenAt = outcomesWritten.incrementAndGet();
      }
    }
  }

  /** When the storage answered {@code lease}'s outcome ({@link #outcomesWritten}); 0: not yet. */
  private long outcomeWrittenAt(Lease lease) {
    synchronized (started) {
      Started s = started.get(lease);
      return s == null ? 0 : s.outcomeWrittenAt;
    }
  }

  /** A claimed job was started (after it entered the worker pool's running set). */
  void noteStarted(Lease lease) {
    Set<Lease> during = startedDuringRecovery;
    if (during != null) {
      during.add(lease);
    }
  }

  /**
   * Looks for hand-overs whose push was lost, claims whose answer was and outcomes the storage
   * lost, in the background; requests made while one waits to start are served by that one.
   */
  void recoverInBackground() {
    if (lookQueued.compareAndSet(false, true)) {
      inBackground(
          () -> {
            lookQueued.set(false); // a request from now on may know more: it queues another
            recover();
          });
    }
  }

  /**
   * Starts every lease the storage says this server holds and that it neither runs nor has started:
   * a hand-over whose push was lost, or a claim whose answer was. A lease it started and that
   * finished while the read was on its way is either in the snapshot taken before the read (started
   * earlier: still running then, since the storage still had it PROCESSING) or in {@link
   * #startedDuringRecovery} (started later). A remembered hand-over that no longer runs is run
   * again only if the storage answered its outcome before the read was sent: then the storage had
   * that write and lost it (one answered later may simply not have been in the read yet).
   *
   * @return whether the look was made (false: the storage could not be read)
   */
  boolean recover() {
    synchronized (recovering) {
      // While no claim is on its way (ClaimLoop#whileNotClaiming): a job claimed but not yet
      // started would be in the read, and in neither the snapshot nor the started set.
      boolean[] made = new boolean[1];
      notClaiming.accept(() -> made[0] = recoverOnce());
      return made[0];
    }
  }

  private boolean recoverOnce() {
    if (cannotLook) {
      return true;
    }
    Set<Lease> during = ConcurrentHashMap.newKeySet();
    startedDuringRecovery = during;
    try {
      Set<Lease> before =
          workers.running().stream().map(RunningJob::lease).collect(Collectors.toSet());
      long writtenBeforeRead = outcomesWritten.get();
      int epoch = liveness.epoch(); // a rescue after the read requeued what it found
      List<LeasedJob> leased;
      try {
        leased = storage.leasedTo(serverId);
      } catch (UnsupportedOperationException e) {
        cannotLook = true;
        log.info(
            "server {}: the storage cannot list a server's leases; a job whose claim answer or"
                + " outcome was lost stays PROCESSING until this server stops or is declared dead",
            serverId);
        return true;
      }
      for (LeasedJob job : leased) {
        Lease lease = job.lease();
        if (before.contains(lease) || during.contains(lease) || holds(lease)) {
          continue; // it runs here
        }
        Started s = rememberedStart(lease);
        if (s == null) {
          log.info(
              "server {}: job {} is leased to this server, which does not run it (a hand-over's"
                  + " push, a claim's answer or the job's outcome was lost); starting it",
              serverId,
              lease);
          handedOver(job, epoch);
        } else if (s.outcomeWrittenAt != 0 && s.outcomeWrittenAt <= writtenBeforeRead) {
          log.warn(
              "server {}: job {} is PROCESSING under this server again although its outcome was"
                  + " written: the storage lost that write (a restart from an older snapshot, a"
                  + " failover to a lagging replica); running it again",
              serverId,
              lease);
          forget(lease);
          handedOver(job, epoch);
        } // else its push is being started right now, or its outcome is being answered
      }
      return true;
    } catch (RuntimeException e) {
      log.warn("server {} could not look for leases it does not run: {}", serverId, e.toString());
      return false;
    } finally {
      startedDuringRecovery = null;
    }
  }

  /** Whether this server runs this lease, or a newer one of the same job. */
  private boolean holds(Lease lease) {
    RunningJob job = workers.get(lease.jobId());
    return job != null && job.fencingToken() >= lease.token();
  }

  private Started rememberedStart(Lease lease) {
    synchronized (started) {
      return started.get(lease);
    }
  }

  private void forget(Lease lease) {
    synchronized (started) {
      started.remove(lease);
    }
  }

  /** Remembers {@code lease}; false if it was already. */
  private boolean firstTime(Lease lease) {
    long now = System.nanoTime();
    synchronized (started) {
      Iterator<Started> oldest = started.values().iterator();
      while (oldest.hasNext()) {
        long at = oldest.next().at;
        if (now - at < REMEMBER_NANOS && started.size() < MAX_REMEMBERED) {
          break;
        }
        oldest.remove();
      }
      return started.putIfAbsent(lease, new Started(now)) == null;
    }
  }

  /** A hand-over this server started; guarded by {@link #started}. */
  private static final class Started {
    final long at;

    /** Its place in {@link #outcomesWritten} once the storage answered its outcome; else 0. */
    long outcomeWrittenAt;

    Started(long at) {
      this.at = at;
    }
  }

  private void inBackground(Runnable task) {
    try {
      background.execute(task);
    } catch (RejectedExecutionException e) {
      // shut down: deregistering released the job, or the server was stopped as if killed
      log.debug("server {} is stopped; left a hand-over task undone", serverId);
    }
  }
}
