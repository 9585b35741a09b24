package dev.baton.server;

import dev.baton.storage.JobStorage;
import dev.baton.storage.LeasedJob;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The claim loop, on its own thread: sleeps until woken (a storage push that jobs are available, or
 * a worker freeing up while jobs were left behind) or until the poll interval passes, then claims
 * at most as many jobs as there are free workers. It never claims a job it cannot start at once.
 * While the queue is busy it coalesces: workers freed within about a millisecond share one claim.
 */
final class ClaimLoop implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(ClaimLoop.class);
  private static final long MAX_ERROR_BACKOFF_MS = 5_000;

  /** Longest a freed worker waits for others to free up, so that they share one claim. */
  static final long COALESCE_NANOS = TimeUnit.MICROSECONDS.toNanos(1_000);

  private final JobStorage storage;
  private final BatonServerConfig config;
  private final IntSupplier freeWorkers;
  private final BooleanSupplier mayClaim;
  private final Consumer<LeasedJob> start;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition signal = lock.newCondition();
  private boolean woken;
  private volatile boolean stopped;

  /** The last claim was cut short by free workers: more jobs are probably waiting. */
  private volatile boolean starved;

  ClaimLoop(
      JobStorage storage,
      BatonServerConfig config,
      IntSupplier freeWorkers,
      BooleanSupplier mayClaim,
      Consumer<LeasedJob> start) {
    this.storage = storage;
    this.config = config;
    this.freeWorkers = freeWorkers;
    this.mayClaim = mayClaim;
    this.start = start;
  }

  /** Wakes the loop now (jobs became available). */
  void wake() {
    lock.lock();
    try {
      woken = true;
      signal.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** A worker became free: claim again only if the last claim left jobs behind. */
  void workerFreed() {
    if (starved) {
      wake();
    }
  }

  void stop() {
    stopped = true;
    wake();
  }

  @Override
  public void run() {
    long errorBackoff = 0;
    while (!stopped) {
      int free = freeWorkers.getAsInt();
      if (free <= 0 || !mayClaim.getAsBoolean()) {
        starved = free <= 0;
        await(config.pollInterval().toMillis());
        continue;
      }
      if (starved) {
        free = coalesce(free);
      }
      int want = Math.min(free, config.claimBatchSize());
      List<LeasedJob> leased;
      try {
        leased = storage.claim(config.serverId(), config.queues(), want);
        if (errorBackoff > 0) {
          log.info("server {} can claim again; the storage answers", config.serverId());
        }
        errorBackoff = 0;
      } catch (RuntimeException e) {
        errorBackoff = errorBackoff == 0 ? 100 : Math.min(errorBackoff * 2, MAX_ERROR_BACKOFF_MS);
        // The first failure of an outage is a WARN; repeats are DEBUG until the storage answers.
        if (errorBackoff == 100) {
          log.warn(
              "server {} could not claim jobs (retrying with backoff up to {} ms): {}",
              config.serverId(),
              MAX_ERROR_BACKOFF_MS,
              e.toString());
        } else {
          log.debug("server {} still cannot claim: {}", config.serverId(), e.toString());
        }
        await(errorBackoff);
        continue;
      }
      leased.forEach(start);
      starved = leased.size() == want && want == free;
      if (leased.size() < want) {
        await(config.pollInterval().toMillis());
      }
    }
  }

  /**
   * The queue is busy (the last claim filled every free worker): rather than one claim per freed
   * worker, waits up to {@link #COALESCE_NANOS} until half a batch of workers is free, then claims
   * for all of them at once. An idle server never gets here, so pickup latency is unchanged.
   */
  private int coalesce(int free) {
    int enough = Math.max(1, Math.min(config.claimBatchSize(), config.workers()) / 2);
    if (free >= enough) {
      return free;
    }
    lock.lock();
    try {
      long nanos = COALESCE_NANOS;
      while (!stopped && nanos > 0 && freeWorkers.getAsInt() < enough) {
        nanos = signal.awaitNanos(nanos);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopped = true;
    } finally {
      lock.unlock();
    }
    return Math.max(free, freeWorkers.getAsInt());
  }

  private void await(long millis) {
    lock.lock();
    try {
      long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
      while (!woken && !stopped && nanos > 0) {
        nanos = signal.awaitNanos(nanos);
      }
      woken = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopped = true;
    } finally {
      lock.unlock();
    }
  }
}
