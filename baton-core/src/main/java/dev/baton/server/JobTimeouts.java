package dev.baton.server;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Execution timeouts of the runs of one server, on one timer thread: at the timeout the job's token
 * fires (cause {@link Cancellation.Cause#TIMEOUT}); a grace later its thread is interrupted; a
 * grace after that, a handler that still has not returned is given up ({@code giveUp}: its attempt
 * fails, its worker is replaced). Disarmed when the handler returns.
 */
final class JobTimeouts implements AutoCloseable {
  private final ScheduledExecutorService timer;
  private final Duration grace;
  private final Consumer<Stuck> giveUp;

  /** A run whose handler did not return within its timeout and two graces. */
  record Stuck(RunningJob job, Thread worker, String reason) {}

  JobTimeouts(String serverId, Duration grace, Consumer<Stuck> giveUp) {
    this.grace = grace;
    this.giveUp = giveUp;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "baton-" + serverId + "-timeouts");
              t.setDaemon(true);
              return t;
            });
  }

  /** Arms the timeout of {@code job}'s run that starts now on the current thread. */
  Armed arm(RunningJob job, Duration timeout) {
    return new Armed(job, timeout, Thread.currentThread());
  }

  /** One armed run; {@link #disarm} when its handler returned. */
  final class Armed {
    private final RunningJob job;
    private final Duration timeout;
    private final Thread worker;
    private volatile boolean returned;
    private final ScheduledFuture<?> fire;
    private final ScheduledFuture<?> interrupt;
    private final ScheduledFuture<?> stuck;

    private Armed(RunningJob job, Duration timeout, Thread worker) {
      this.job = job;
      this.timeout = timeout;
      this.worker = worker;
      long t = timeout.toNanos();
      long g = grace.toNanos();
      this.fire = timer.schedule(this::fire, t, TimeUnit.NANOSECONDS);
      this.interrupt = timer.schedule(this::interrupt, t + g, TimeUnit.NANOSECONDS);
      this.stuck = timer.schedule(this::stuck, t + 2 * g, TimeUnit.NANOSECONDS);
    }

    /** Whether the timeout fired this run's token (rather than a delete, a shutdown...). */
    boolean timedOut() {
      return job.cancellation().cause() == Cancellation.Cause.TIMEOUT;
    }

    /** The handler returned (or threw): nothing more happens to it. */
    void disarm() {
      synchronized (this) {
        returned = true;
      }
      fire.cancel(false);
      interrupt.cancel(false);
      stuck.cancel(false);
    }

    String reason() {
      return "ran longer than its timeout of " + timeout;
    }

    private void fire() {
      if (!returned) {
        job.cancellation().fire(Cancellation.Cause.TIMEOUT, reason());
      }
    }

    private void interrupt() {
      synchronized (this) {
        if (!returned && timedOut()) {
          worker.interrupt(); // under the lock: never the worker's next job
        }
      }
    }

    private void stuck() {
      if (!returned && timedOut()) {
        giveUp.accept(
            new Stuck(
                job,
                worker,
                reason()
                    + " and did not return within "
                    + grace.multipliedBy(2)
                    + " after it (token fired, then its thread interrupted); given up: its worker"
                    + " was replaced, and its late result will be dropped"));
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
