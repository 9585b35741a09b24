package dev.baton.server;

import dev.baton.storage.Completion;
import dev.baton.storage.JobStorage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the outcomes of finished jobs, on its own threads (a few, sharing one queue). Workers hand
 * their elected outcome over and take the next job; a committer thread takes whatever is queued (up
 * to the batch size) and applies it with one {@link JobStorage#finishAll} call, so a busy server
 * pays one round trip for many jobs. Nothing waits for a timer: a lone completion on an idle server
 * goes out at once, and batches form only while writes are in flight.
 *
 * <p>Handing over early is safe because a job stays PROCESSING under its lease until its outcome is
 * applied: nobody can claim it again, and it stays in the server's running set (heartbeats list its
 * lease) until {@code done} is called after the write.
 */
final class Committer implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Committer.class);

  private final JobStorage storage;
  private final int batchSize;
  private final JobRunner runner;
  private final BooleanSupplier mayWrite;
  private final Consumer<RunningJob> written;
  private final Consumer<RunningJob> done;
  private final Runnable afterBatch;
  private final Liveness liveness;
  private final LinkedBlockingQueue<JobRunner.Elected> queue = new LinkedBlockingQueue<>();
  private final AtomicInteger pending = new AtomicInteger();
  private volatile boolean closed;

  /**
   * @param written called for each job whose outcome the storage answered (applied or refused),
   *     before {@code done}
   * @param done called for each job once its outcome was written (or given up on)
   * @param afterBatch called after each write, e.g. to wake the claim loop
   * @param liveness renewed by every write that applied an outcome: the storage renewed the
   *     server's liveness in the same step, and the lease it checked was still this server's
   */
  Committer(
      JobStorage storage,
      int batchSize,
      JobRunner runner,
      BooleanSupplier mayWrite,
      Consumer<RunningJob> written,
      Consumer<RunningJob> done,
      Runnable afterBatch,
      Liveness liveness) {
    this.storage = storage;
    this.batchSize = batchSize;
    this.runner = runner;
    this.mayWrite = mayWrite;
    this.written = written;
    this.done = done;
    this.afterBatch = afterBatch;
    this.liveness = liveness;
  }

  /** Queues an outcome; once the committer is closed, writes it on the calling thread. */
  void submit(JobRunner.Elected elected) {
    pending.incrementAndGet();
    if (closed) {
      apply(List.of(elected));
    } else {
      queue.add(elected);
    }
  }

  /** Outcomes handed over and not yet written. */
  int pending() {
    return pending.get();
  }

  @Override
  public void run() {
    List<JobRunner.Elected> batch = new ArrayList<>(batchSize);
    while (!Thread.currentThread().isInterrupted()) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        break;
      }
      queue.drainTo(batch, batchSize - 1);
      apply(batch);
      batch.clear();
    }
    List<JobRunner.Elected> dropped = new ArrayList<>();
    queue.drainTo(dropped);
    if (!dropped.isEmpty()) {
      log.warn(
          "{} job outcomes were not written (server stopped); their jobs are released or rescued",
          dropped.size());
      dropped.forEach(this::forget);
    }
  }

  /**
   * Stops taking new outcomes on the committer thread and waits, at most {@code millis}, until
   * every queued one was written; later outcomes are written by their workers.
   */
  void close(long millis) {
    closed = true;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (pending.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void apply(List<JobRunner.Elected> batch) {
    List<Boolean> applied = write(batch);
    for (int i = 0; i < batch.size(); i++) {
      JobRunner.Elected elected = batch.get(i);
      try {
        if (applied != null) {
          runner.applied(elected, applied.get(i));
          written.accept(elected.job());
        }
      } catch (RuntimeException e) {
        log.error("unexpected error after writing job {}", elected.job().jobId(), e);
      } finally {
        forget(elected);
      }
    }
    afterBatch.run();
  }

  private void forget(JobRunner.Elected elected) {
    pending.decrementAndGet();
    done.accept(elected.job());
  }

  /**
   * Writes the batch, retrying through storage errors while that still makes sense. Returns null
   * when it gave up (the server was killed or stopped: a peer or deregistration frees the jobs).
   */
  private List<Boolean> write(List<JobRunner.Elected> batch) {
    long backoff = 100;
    while (true) {
      if (!mayWrite.getAsBoolean()) {
        log.debug("server was killed (test seam): {} outcomes are not written", batch.size());
        return null;
      }
      long sent = liveness.now();
      try {
        if (batch.size() == 1) {
          JobRunner.Elected e = batch.get(0);
          boolean applied = storage.finish(e.job().lease(), e.worker(), e.outcome());
          if (applied) {
            liveness.proved(sent);
          }
          return List.of(applied);
        }
        List<Completion> completions = new ArrayList<>(batch.size());
        for (JobRunner.Elected e : batch) {
          completions.add(new Completion(e.job().lease(), e.worker(), e.outcome()));
        }
        List<Boolean> applied = storage.finishAll(completions);
        if (applied.size() != batch.size()) {
          throw new IllegalStateException(
              "storage answered finishAll of "
                  + batch.size()
                  + " completions with "
                  + applied.size()
                  + " results");
        }
        if (applied.contains(Boolean.TRUE)) {
          liveness.proved(sent);
        }
        return applied;
      } catch (RuntimeException e) {
        // Keep trying even when a lease is presumed lost: if it is still ours, only this write
        // frees the job (the server is alive, so nobody will rescue it); if not, it is refused.
        if (backoff == 100) {
          log.warn(
              "could not store the outcomes of {} jobs (first: {}); retrying with backoff until"
                  + " the storage answers: {}",
              batch.size(),
              batch.get(0).job().jobId(),
              e.toString());
        }
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return null;
        }
        backoff = Math.min(backoff * 2, 2_000);
      }
    }
  }
}
