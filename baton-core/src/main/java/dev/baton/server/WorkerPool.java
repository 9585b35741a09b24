package dev.baton.server;

import dev.baton.job.JobId;
import dev.baton.storage.JobStorage;
import dev.baton.storage.LeasedJob;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's workers: a fixed number of slots, the jobs running in them, and the threads they run
 * on. A slot is taken when a claimed job starts and given back when its outcome was handed to the
 * {@link Committer}; the job leaves the running set once the outcome was written.
 *
 * <p>There is one thread per slot, each looping over a queue of started jobs: a worker that
 * finishes a job takes the next one itself, and parked workers are woken only as far as {@link
 * IdleThreads} finds them needed (one more per {@value #JOBS_PER_WAKE} queued jobs while earlier
 * ones are on their way). A batch of short jobs is then run by the few threads that are awake, not
 * by one freshly woken thread per job; a batch of long jobs still fans out to every free worker,
 * each woken thread waking the next before it runs its job.
 */
final class WorkerPool {
  private static final Logger log = LoggerFactory.getLogger(WorkerPool.class);

  /** Queued jobs per woken worker that may be on its way at once. */
  static final int JOBS_PER_WAKE = 32;

  private final String serverId;
  private final int size;
  private final JobStorage storage;
  private final StorageClock clock;
  private final JobRunner runner;
  private final Consumer<JobRunner.Elected> committer;
  private final Runnable onFreed;
  private final AtomicInteger free;
  private final Map<JobId, RunningJob> running = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<RunningJob> ready = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final IdleThreads idle = new IdleThreads();
  private final BooleanSupplier jobsQueued = () -> !ready.isEmpty();
  private final List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Workers given up with a job that did not return past its timeout: they end when it does. */
  private final java.util.Set<Thread> retired = ConcurrentHashMap.newKeySet();

  private ThreadFactory factory;

  /**
   * Says why a revoked job's lease went (a storage read) and runs its callbacks; idle: no thread.
   */
  private final ThreadPoolExecutor explainer;

  WorkerPool(
      String serverId,
      int size,
      JobStorage storage,
      StorageClock clock,
      JobRunner runner,
      Consumer<JobRunner.Elected> committer,
      Runnable onFreed) {
    this.serverId = serverId;
    this.explainer =
        new ThreadPoolExecutor(
            0,
            1,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            WorkerThreads.platformFactory("baton-" + serverId + "-revocations-"));
    this.size = size;
    this.storage = storage;
    this.clock = clock;
    this.runner = runner;
    this.committer = committer;
    this.onFreed = onFreed;
    this.free = new AtomicInteger(size);
  }

  void open() {
    factory = WorkerThreads.factory("baton-" + serverId + "-worker-");
    for (int i = 0; i < size; i++) {
      Thread thread = factory.newThread(this::work);
      threads.add(thread);
      thread.start();
    }
  }

  int free() {
    return free.get();
  }

  Collection<RunningJob> running() {
    return running.values();
  }

  RunningJob get(JobId id) {
    return running.get(id);
  }

  /**
   * Runs a leased job (claimed, or handed over by the storage) in a free slot, or, if none is free,
   * on the next worker that frees up: the free count goes below zero until then, so nothing more is
   * claimed meanwhile. That happens only in a race (a hand-over under the claim loop's previous
   * offer crossed its next claim, which counted the same free workers), or for a job found leased
   * to this server after a claim's answer was lost. If the pool is shut down, hands the job to
   * {@code giveBack}, which must release it to the storage. Whether the job may still start is
   * decided by the worker just before the handler ({@link JobRunner#run}).
   *
   * @param epoch {@link Liveness#epoch()} when the lease was asked for
   */
  void start(LeasedJob leased, int epoch, Consumer<RunningJob> giveBack) {
    RunningJob job = new RunningJob(leased, storage, clock, epoch, explainer);
    if (free.getAndDecrement() <= 0) {
      log.info(
          "server {}: no free worker for job {} (a hand-over crossed a claim, or the job was"
              + " found leased here after a lost answer); it runs on the next worker that frees up",
          serverId,
          job.jobId());
    }
    RunningJob previous = running.put(job.jobId(), job);
    if (previous != null && !previous.isFinishing()) {
      // The storage leased the job again (it was requeued while running here, and the revocation
      // push has not arrived yet): the earlier run's lease is surely gone.
      previous.revoked();
    }
    if (idle.isClosed()) {
      running.remove(job.jobId(), job);
      free.incrementAndGet();
      giveBack.accept(job);
      return;
    }
    ready.offer(job);
    idle.wake(wakeAllowance(queued.incrementAndGet()));
  }

  private static int wakeAllowance(int queuedJobs) {
    return 1 + queuedJobs / JOBS_PER_WAKE;
  }

  /** A worker thread: runs queued jobs one after the other, parks while there are none. */
  private void work() {
    IdleThreads.Waiter me = new IdleThreads.Waiter();
    while (!idle.isClosed() && !retired.contains(Thread.currentThread())) {
      idle.arrived(me);
      RunningJob job = ready.poll();
      if (job == null) {
        Thread.interrupted(); // a late cancellation interrupt of the last job must not wake us
        idle.park(me, jobsQueued);
        continue;
      }
      int left = queued.decrementAndGet();
      if (left > 0) {
        idle.wake(wakeAllowance(left)); // before running: a long job must not hold up the rest
      }
      Thread.interrupted(); // as a thread pool does: no interrupt carries over to the next job
      try {
        runAndFree(job);
      } catch (Throwable t) { // an Error past the runner: the slot is free, keep the thread
        log.error("unexpected error in a worker of server {}", serverId, t);
      }
    }
  }

  /**
   * Runs the job and hands its outcome to the committer. The slot is free as soon as the outcome is
   * handed over; the job stays in the running set (its lease listed in heartbeats) until {@link
   * #done} after the write.
   */
  private void runAndFree(RunningJob job) {
    JobRunner.Elected elected = null;
    try {
      elected = runner.run(job);
    } catch (Throwable t) {
      log.error("unexpected error running job {}; it fails with it", job.jobId(), t);
      try {
        elected = runner.broken(job, Thread.currentThread().getName(), t);
      } catch (Throwable again) {
        log.error("job {} stays PROCESSING until this server stops", job.jobId(), again);
      }
    }
    if (job.wasGivenUp()) {
      return; // its outcome is written and its slot free (giveUp); this thread was replaced
    }
    try {
      if (elected != null) {
        committer.accept(elected);
      }
    } finally {
      if (elected == null) {
        done(job);
      }
      free.incrementAndGet();
      onFreed.run();
    }
  }

  /**
   * A job whose handler did not return past its timeout and two graces: its attempt fails now, its
   * slot is free, and its worker is replaced by a new thread; the stuck thread ends when (if) the
   * handler returns, and its result is dropped. Its permits are released with the outcome, while
   * the handler may still run: a job that never returns must not hold a worker and its keys
   * forever.
   */
  void giveUp(JobTimeouts.Stuck stuck) {
    RunningJob job = stuck.job();
    if (idle.isClosed() || !job.giveUp()) {
      return; // the handler returned just now, or the pool is closing
    }
    log.error("server {}: job {} ({}) {}", serverId, job.jobId(), job.jobType(), stuck.reason());
    retired.add(stuck.worker());
    Thread replacement = factory.newThread(this::work);
    threads.add(replacement);
    replacement.start();
    JobRunner.Elected elected = null;
    try {
      elected = runner.givenUp(job, stuck.worker().getName(), stuck.reason());
      if (elected != null) {
        committer.accept(elected);
      }
    } finally {
      if (elected == null) {
        done(job);
      }
      free.incrementAndGet();
      onFreed.run();
    }
  }

  /** The job's outcome was written (or will not be): it leaves the running set. */
  void done(RunningJob job) {
    // Conditional: once written, a released job may already run here again under a new lease.
    running.remove(job.jobId(), job);
    synchronized (running) {
      running.notifyAll();
    }
  }

  /** Fires every running job's token. */
  void cancelAll(Cancellation.Cause cause, String reason) {
    // A finishing job's handler is done; its outcome is being written.
    running.values().stream()
        .filter(job -> !job.isFinishing())
        .forEach(job -> job.cancellation().fire(cause, reason));
  }

  /** Waits until no job runs, at most {@code millis}; returns whether the pool is idle. */
  boolean awaitIdle(long millis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    synchronized (running) {
      while (!running.isEmpty()) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          return false;
        }
        try {
          running.wait(Math.min(left, 50));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return true;
  }

  /** Interrupts the worker threads and ends them; jobs not started yet are not run. */
  void shutdownNow() {
    idle.close();
    threads.forEach(Thread::interrupt);
    // What it was given still runs; later revocations run their callbacks inline.
    explainer.shutdown();
  }
}
