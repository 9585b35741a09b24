package dev.baton.server;

import dev.baton.job.JobId;
import dev.baton.storage.JobStorage;
import dev.baton.storage.LeasedJob;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's workers: a fixed number of slots, the jobs running in them, and the threads they run
 * on. A slot is taken when a claimed job starts and given back when its outcome was handed to the
 * {@link Committer}; the job leaves the running set once the outcome was written.
 */
final class WorkerPool {
  private static final Logger log = LoggerFactory.getLogger(WorkerPool.class);

  private final String serverId;
  private final int size;
  private final JobStorage storage;
  private final StorageClock clock;
  private final JobRunner runner;
  private final Consumer<JobRunner.Elected> committer;
  private final Runnable onFreed;
  private final Semaphore free;
  private final Map<JobId, RunningJob> running = new ConcurrentHashMap<>();
  private ExecutorService threads;

  WorkerPool(
      String serverId,
      int size,
      JobStorage storage,
      StorageClock clock,
      JobRunner runner,
      Consumer<JobRunner.Elected> committer,
      Runnable onFreed) {
    this.serverId = serverId;
    this.size = size;
    this.storage = storage;
    this.clock = clock;
    this.runner = runner;
    this.committer = committer;
    this.onFreed = onFreed;
    this.free = new Semaphore(size);
  }

  void open() {
    threads = WorkerThreads.create("baton-" + serverId + "-worker-", size);
  }

  int free() {
    return free.availablePermits();
  }

  Collection<RunningJob> running() {
    return running.values();
  }

  RunningJob get(JobId id) {
    return running.get(id);
  }

  /**
   * Runs a claimed job in a free slot. If it cannot (no slot, pool shut down), hands it to {@code
   * giveBack}, which must release it to the storage.
   */
  void start(LeasedJob leased, Consumer<RunningJob> giveBack) {
    RunningJob job = new RunningJob(leased, storage, clock);
    if (!free.tryAcquire()) {
      // Never expected: the claim loop asks for at most the free slots and is the only taker.
      log.error("server {} claimed job {} without a free worker", serverId, job.jobId());
      giveBack.accept(job);
      return;
    }
    RunningJob previous = running.put(job.jobId(), job);
    if (previous != null && !previous.isFinishing()) {
      // The storage leased the job again (it was requeued while running here, and the revocation
      // push has not arrived yet): the earlier run's lease is surely gone.
      previous.revoked();
    }
    try {
      threads.execute(() -> runAndFree(job));
    } catch (RejectedExecutionException e) {
      running.remove(job.jobId(), job);
      free.release();
      giveBack.accept(job);
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
      log.error("unexpected error running job {}", job.jobId(), t);
    }
    try {
      if (elected != null) {
        committer.accept(elected);
      }
    } finally {
      if (elected == null) {
        done(job);
      }
      free.release();
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

  /** Interrupts the worker threads and discards the pool. */
  void shutdownNow() {
    if (threads != null) {
      threads.shutdownNow();
    }
  }
}
