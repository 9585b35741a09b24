package dev.baton.faults;

import dev.baton.job.JobContext;
import dev.baton.job.JobHandler;
import dev.baton.job.JobType;
import java.util.concurrent.atomic.AtomicBoolean;

/** The job types of the fault tests; their handlers write the execution ledger. */
final class FaultJobs {
  /** A job that works {@code steps} × {@code stepMillis} of its own running time, token checked. */
  public record Slow(int n, int steps, int stepMillis) {}

  /** A job whose whole body is its ledger lines: a start is an execution. */
  public record Quick(int n) {}

  /**
   * A job under a mutex on {@code res:{resource}} that works {@code totalMs} and looks at its token
   * only every {@code checkEveryMs}, ignoring interrupts: the kind of job whose old run goes on for
   * seconds after a requeue or delete told it to stop.
   */
  public record Stubborn(int n, String resource, int totalMs, int checkEveryMs) {}

  static final JobType<Slow> SLOW = JobType.of("faults.slow", Slow.class);
  static final JobType<Quick> QUICK = JobType.of("faults.quick", Quick.class);
  static final JobType<Stubborn> STUBBORN =
      JobType.of("faults.stubborn", Stubborn.class).withOptions(o -> o.mutex("res:{resource}"));

  private FaultJobs() {}

  /**
   * Counts steps, not wall time, so a pause of its process does not bring the job nearer to its
   * end: whatever is left when the process wakes is left, and the job must see its token before
   * that is done.
   */
  static JobHandler<Slow> slow(Ledger ledger) {
    return (args, ctx) -> {
      Run run = new Run(ledger, ctx);
      for (int i = 0; i < args.steps(); i++) {
        if (ctx.isCancellationRequested()) {
          run.stop();
          ctx.throwIfCancellationRequested();
        }
        try {
          Thread.sleep(args.stepMillis());
        } catch (InterruptedException e) {
          run.stop();
          throw e;
        }
      }
      run.done();
    };
  }

  static JobHandler<Stubborn> stubborn(Ledger ledger) {
    return (args, ctx) -> {
      Run run = new Run(ledger, ctx);
      long end = System.nanoTime() + args.totalMs() * 1_000_000L;
      while (System.nanoTime() < end) {
        sleepIgnoringInterrupts(
            Math.min(args.checkEveryMs(), (end - System.nanoTime()) / 1_000_000));
        if (ctx.isCancellationRequested()) {
          run.stop();
          ctx.throwIfCancellationRequested();
        }
      }
      run.done();
    };
  }

  private static void sleepIgnoringInterrupts(long ms) {
    long until = System.nanoTime() + Math.max(0, ms) * 1_000_000L;
    long left;
    while ((left = until - System.nanoTime()) > 0) {
      try {
        Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
      } catch (InterruptedException e) {
        // ignored on purpose: this job only looks at its token now and then
      }
    }
  }

  static JobHandler<Quick> quick(Ledger ledger) {
    return (args, ctx) -> new Run(ledger, ctx).done();
  }

  /** One run's ledger lines. */
  private static final class Run {
    private final Ledger ledger;
    private final String job;
    private final long token;
    private final String server;
    private final AtomicBoolean cancelSeen = new AtomicBoolean();

    Run(Ledger ledger, JobContext ctx) {
      this.ledger = ledger;
      this.job = ctx.jobId().toString();
      this.token = ctx.fencingToken();
      this.server = ctx.serverId();
      ledger.record("start", job, token, server);
      // Called on the thread that fires the token: the moment the server told the job to stop.
      ctx.onCancel(this::cancelSeen);
    }

    private void cancelSeen() {
      if (cancelSeen.compareAndSet(false, true)) {
        ledger.record("cancel", job, token, server);
      }
    }

    void stop() {
      cancelSeen();
      ledger.record("cancelled", job, token, server);
    }

    void done() {
      ledger.record("done", job, token, server);
    }
  }
}
