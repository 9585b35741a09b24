package dev.baton.server;

import dev.baton.storage.JobStorage;
import dev.baton.storage.LeasedJob;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.ObjIntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The claim loop, on its own thread: sleeps until woken (a storage push that jobs are available, or
 * a worker freeing up while jobs were left behind) or until the poll interval passes, then claims
 * at most as many jobs as there are free workers. It never claims a job it cannot start at once.
 * While the queue is busy it coalesces: workers freed within about a millisecond share one claim.
 *
 * <p>Waking the loop costs a context switch, so nothing takes a lock or signals per job: a push
 * sets a flag and unparks the loop only if it is parked, and a freed worker wakes it only while it
 * waits for workers and once enough of them are free ({@link #wakeAtFree}); while it claims, a
 * freed worker only sets the flag. A busy server so wakes its claim loop about twice per claim, not
 * once per finished job.
 *
 * <p>On a storage that hands over ({@link JobStorage#handsOver()}) the loop claims with {@link
 * JobStorage#claimOrOffer}: a claim that comes back short leaves an offer of the workers it left
 * free, so a job created while the loop parks is leased to this server by its very creation and
 * pushed here. The offer is renewed by every claim (at least each poll interval; it expires after
 * {@link #offerTtl}), and when a worker frees up while the offer covers half the free workers or
 * fewer; it is withdrawn when the loop may no longer claim or stops.
 *
 * <p>A claim that failed may still have leased jobs in the storage (its answer was lost: a timeout,
 * a connection reset after the commit). Those jobs are PROCESSING under this server, which does not
 * run them. So when a claim succeeds again after failed ones, the loop runs {@code
 * afterLostAnswers}: the server then looks for leases it holds but does not run, and starts them.
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
  private final ObjIntConsumer<LeasedJob> start;
  private final Liveness liveness;
  private final Runnable afterLostAnswers;
  private final boolean handOver;
  private final Duration offerTtl;
  private final Object claiming = new Object();
  private volatile Thread thread;
  private volatile boolean parked;
  private volatile boolean woken;
  private volatile boolean stopped;

  /**
   * While the loop waits for workers: how many must be free for a freed worker to wake it; {@link
   * Integer#MAX_VALUE} otherwise (a freed worker is no news then: the loop looks at the free
   * workers before each claim anyway).
   */
  private volatile int wakeAtFree = Integer.MAX_VALUE;

  /** The last claim was cut short by free workers: more jobs are probably waiting. */
  private volatile boolean starved;

  /** An offer of this server may stand in the storage (the last claim came back short). */
  private volatile boolean offering;

  /** Slots the standing offer has left, as far as this server has heard of hand-overs. */
  private final AtomicInteger offerSlots = new AtomicInteger();

  /** How many offers the loop has left so far. */
  private final AtomicInteger offersLeft = new AtomicInteger();

  /** How many claims failed so far: each may have leased jobs whose answer never arrived. */
  private final AtomicInteger failedClaims = new AtomicInteger();

  ClaimLoop(
      JobStorage storage,
      BatonServerConfig config,
      IntSupplier freeWorkers,
      BooleanSupplier mayClaim,
      ObjIntConsumer<LeasedJob> start,
      Runnable afterLostAnswers,
      Liveness liveness) {
    this.storage = storage;
    this.config = config;
    this.freeWorkers = freeWorkers;
    this.mayClaim = mayClaim;
    this.start = start;
    this.afterLostAnswers = afterLostAnswers;
    this.liveness = liveness;
    this.handOver = storage.handsOver();
    this.offerTtl = offerTtl(config.pollInterval());
  }

  /** Twice the poll interval, at least a second: the loop renews its offer before it lapses. */
  static Duration offerTtl(Duration pollInterval) {
    Duration twice = pollInterval.multipliedBy(2);
    return twice.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : twice;
  }

  /** Wakes the loop now (jobs became available). */
  void wake() {
    woken = true;
    // Set before looking: the loop sets parked before its last look at woken, so one sees the
    // other.
    if (parked) {
      LockSupport.unpark(thread);
    }
  }

  /**
   * A worker became free. Only news if the last claim left jobs behind: then, if the loop waits for
   * workers, it is woken once enough are free; if it is claiming, the next wait ends at once (a
   * claim that comes back short is followed by another, which finds the jobs a claim for fewer
   * workers left, as on a storage whose claim may skip rows locked by others).
   */
  void workerFreed() {
    // Renew the offer once it covers half the free workers or fewer: often enough that a job
    // rarely finds it used up (and goes the slower way, by a claim), rarely enough that an idle
    // server pays a fraction of a round trip per job for it.
    if (offering && offerSlots.get() * 2 <= freeWorkers.getAsInt()) {
      wake();
      return;
    }
    if (!starved) {
      return;
    }
    int wanted = wakeAtFree;
    if (wanted == Integer.MAX_VALUE) {
      if (!woken) {
        woken = true; // the loop is not parked: no unpark needed
      }
    } else if (freeWorkers.getAsInt() >= wanted) {
      wake();
    }
  }

  void stop() {
    stopped = true;
    wake();
  }

  @Override
  public void run() {
    thread = Thread.currentThread();
    long pollNanos = config.pollInterval().toNanos();
    long errorBackoff = 0;
    while (!stopped) {
      int free = freeWorkers.getAsInt();
      if (free <= 0 || !mayClaim.getAsBoolean()) {
        if (!mayClaim.getAsBoolean()) {
          withdraw(); // paused: no hand-overs either
        }
        starved = free <= 0;
        await(pollNanos, starved ? 1 : Integer.MAX_VALUE);
        continue;
      }
      if (starved) {
        free = coalesce(free);
      }
      int want = Math.min(free, config.claimBatchSize());
      List<LeasedJob> leased;
      try {
        leased = claimAndStart(want);
        if (errorBackoff > 0) {
          log.info("server {} can claim again; the storage answers", config.serverId());
          errorBackoff = 0;
          afterLostAnswers.run();
        }
      } catch (RuntimeException e) {
        failedClaims.incrementAndGet();
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
        await(TimeUnit.MILLISECONDS.toNanos(errorBackoff), Integer.MAX_VALUE);
        continue;
      }
      starved = leased.size() == want && want == free;
      if (leased.size() < want) {
        await(pollNanos, Integer.MAX_VALUE);
      }
    }
    withdraw();
  }

  /**
   * Claims and starts what it got, holding {@link #claiming}: a look at {@link JobStorage#leasedTo}
   * under {@link #whileNotClaiming} never sees a job this loop leased but has not started yet. A
   * claim that succeeded proves the server alive as of its send time (the storage renews its
   * liveness in the same step); its jobs carry the {@link Liveness#epoch} from before the send, so
   * that a rescue the claim crossed keeps them from starting.
   */
  private List<LeasedJob> claimAndStart(int want) {
    synchronized (claiming) {
      int epoch = liveness.epoch();
      long sent = liveness.now();
      List<LeasedJob> leased = claim(want);
      liveness.proved(sent);
      for (LeasedJob job : leased) {
        start.accept(job, epoch);
      }
      return leased;
    }
  }

  /**
   * Runs {@code task} while no claim is on its way: every job this loop leased so far has been
   * started. For the look for lost hand-overs, which would otherwise start a claimed job a second
   * time if the claim's answer arrived between the look's snapshot and its read.
   */
  void whileNotClaiming(Runnable task) {
    synchronized (claiming) {
      task.run();
    }
  }

  private List<LeasedJob> claim(int want) {
    if (!handOver) {
      return storage.claim(config.serverId(), config.queues(), want);
    }
    List<LeasedJob> leased =
        storage.claimOrOffer(config.serverId(), config.queues(), want, offerTtl);
    offerSlots.set(want - leased.size());
    offering = leased.size() < want;
    if (offering) {
      offersLeft.incrementAndGet();
    }
    return leased;
  }

  /**
   * How many offers the loop has left so far: if this has not changed and no offer stands, nothing
   * can have been handed over to this server meanwhile.
   */
  int offersLeft() {
    return offersLeft.get();
  }

  /**
   * How many claims failed so far: if this has changed, a lease whose answer was lost may be in the
   * storage.
   */
  int failedClaims() {
    return failedClaims.get();
  }

  boolean offering() {
    return offering;
  }

  /** A job was handed over to this server: one slot of its offer is used. */
  void handedOver() {
    offerSlots.decrementAndGet();
  }

  /** Takes back a standing offer, so that nothing more is handed over to this server. */
  private void withdraw() {
    if (!offering) {
      return;
    }
    try {
      storage.claimOrOffer(config.serverId(), config.queues(), 0, offerTtl);
      offering = false;
    } catch (RuntimeException e) {
      // it lapses after offerTtl, and deregistering or a rescue removes it
      log.debug("server {} could not withdraw its offer: {}", config.serverId(), e.toString());
    }
  }

  /**
   * The queue is busy (the last claim filled every free worker): rather than one claim per freed
   * worker, waits up to {@link #COALESCE_NANOS} until half a batch of workers is free, then claims
   * for all of them at once. An idle server never gets here, so pickup latency is unchanged.
   */
  private int coalesce(int free) {
    int enough = Math.max(1, Math.min(config.claimBatchSize(), config.workers()) / 2);
    long deadline = System.nanoTime() + COALESCE_NANOS;
    for (long left = COALESCE_NANOS;
        !stopped && left > 0 && freeWorkers.getAsInt() < enough;
        left = deadline - System.nanoTime()) {
      await(left, enough);
    }
    return Math.max(free, freeWorkers.getAsInt());
  }

  /**
   * Parks until woken (a push, {@link #stop}, or, if {@code freeToWake} is not {@link
   * Integer#MAX_VALUE}, that many free workers) or {@code nanos} passed. A wake that came while the
   * loop was claiming is kept and ends the next wait at once.
   */
  private void await(long nanos, int freeToWake) {
    wakeAtFree = freeToWake;
    parked = true;
    try {
      // Looked at after announcing the threshold: a worker frees its slot before it reads the
      // threshold, so either it wakes us or we see its slot here.
      if (freeToWake != Integer.MAX_VALUE && freeWorkers.getAsInt() >= freeToWake) {
        return;
      }
      long deadline = System.nanoTime() + nanos;
      for (long left = nanos; !woken && !stopped && left > 0; left = deadline - System.nanoTime()) {
        LockSupport.parkNanos(this, left);
        if (Thread.currentThread().isInterrupted()) {
          stopped = true;
        }
      }
    } finally {
      parked = false;
      woken = false; // the claim that follows covers every wake until now
      wakeAtFree = Integer.MAX_VALUE; // after: a worker freed from now on sets woken again
    }
  }
}
