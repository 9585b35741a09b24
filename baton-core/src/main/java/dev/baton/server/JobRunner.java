package dev.baton.server;

import dev.baton.filter.AppliedContext;
import dev.baton.filter.ElectContext;
import dev.baton.filter.JobFilter;
import dev.baton.filter.PerformChain;
import dev.baton.filter.PerformContext;
import dev.baton.json.JsonCodec;
import dev.baton.state.ExceptionInfo;
import dev.baton.storage.JobSpec;
import dev.baton.storage.JobStorage;
import dev.baton.storage.RunOutcome;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one leased job on the current worker thread: finds its handler, reads its arguments, runs
 * the filter chain and the handler, elects the outcome and asks the storage to apply it under the
 * job's lease. Never throws: every problem becomes the job's outcome or a log line.
 */
final class JobRunner {
  private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

  private final JobStorage storage;
  private final Handlers handlers;
  private final List<JobFilter> filters;
  private final JsonCodec json;
  private final BatonServerConfig config;
  private final BooleanSupplier keepTrying;

  JobRunner(
      JobStorage storage,
      Handlers handlers,
      List<JobFilter> filters,
      JsonCodec json,
      BatonServerConfig config,
      BooleanSupplier keepTrying) {
    this.storage = storage;
    this.handlers = handlers;
    this.filters = List.copyOf(filters);
    this.json = json;
    this.config = config;
    this.keepTrying = keepTrying;
  }

  void run(RunningJob job) {
    String worker = Thread.currentThread().getName();
    JobSpec spec = job.leased().spec();
    ElectContext election = perform(job, spec, worker);
    for (JobFilter filter : filters) {
      try {
        filter.onElect(election);
      } catch (RuntimeException e) {
        log.warn("filter {} threw in onElect for job {}; skipped", filter, job.jobId(), e);
      }
    }
    RunOutcome outcome = election.candidate();
    job.flushReports();
    Boolean applied = finish(job, worker, outcome);
    if (applied == null) {
      return;
    }
    if (!applied) {
      job.leaseLost("finish (" + outcome.target() + ")");
    } else {
      log.debug(
          "job {} ({}) -> {}: {}", job.jobId(), job.jobType(), outcome.target(), outcome.reason());
    }
    AppliedContext done = new AppliedContext(spec, job, outcome, applied);
    for (JobFilter filter : filters) {
      try {
        filter.onApplied(done);
      } catch (RuntimeException e) {
        log.warn("filter {} threw in onApplied for job {}; skipped", filter, job.jobId(), e);
      }
    }
  }

  /** Runs the handler and proposes the candidate outcome. */
  private ElectContext perform(RunningJob job, JobSpec spec, String worker) {
    Handlers.Registered<?> handler = handlers.get(spec.type());
    if (handler == null) {
      String reason =
          "no handler registered for job type '"
              + spec.type()
              + "' on server "
              + config.serverId()
              + " (it handles "
              + handlers.names()
              + "); register it and requeue the job";
      log.error("job {} failed: {}", spec.id(), reason);
      return new ElectContext(spec, job, null, false, new RunOutcome.Failed(null, reason));
    }
    Object args;
    try {
      args = handler.readArgs(json, spec.argsJson());
    } catch (RuntimeException e) {
      String reason =
          "cannot read the arguments of job type '"
              + spec.type()
              + "' as "
              + handler.type().argsType().getName()
              + ": "
              + e.getMessage()
              + "; fix the payload or the argument type and requeue the job";
      log.error("job {} failed: {}", spec.id(), reason);
      return new ElectContext(
          spec, job, e, false, new RunOutcome.Failed(ExceptionInfo.of(e), reason));
    }
    long start = System.nanoTime();
    try {
      if (config.interruptOnCancel()) {
        job.cancellation().interruptOnFire(Thread.currentThread());
      }
      chain(0, new PerformContext(spec, args, job), handler).proceed();
      long millis = (System.nanoTime() - start) / 1_000_000;
      return new ElectContext(
          spec,
          job,
          null,
          true,
          new RunOutcome.Succeeded(
              config.retention(), "completed in " + millis + " ms by " + worker));
    } catch (Throwable t) {
      if (job.cancellation().cause() == Cancellation.Cause.SHUTDOWN) {
        return new ElectContext(
            spec,
            job,
            t,
            true,
            new RunOutcome.Released(
                "server "
                    + config.serverId()
                    + " is shutting down; the job stopped ("
                    + t
                    + ") and goes back to the head of its queue without spending an attempt"));
      }
      log.info(
          "job {} ({}) attempt {} failed: {}", spec.id(), spec.type(), job.attempt(), t.toString());
      return new ElectContext(
          spec, job, t, true, new RunOutcome.Failed(ExceptionInfo.of(t), String.valueOf(t)));
    } finally {
      if (config.interruptOnCancel()) {
        job.cancellation().interruptOnFire(null);
        Thread.interrupted();
      }
    }
  }

  private PerformChain chain(int index, PerformContext context, Handlers.Registered<?> handler) {
    if (index == filters.size()) {
      return () -> handler.run(context.args(), context.job());
    }
    JobFilter filter = filters.get(index);
    return () -> filter.aroundPerform(context, chain(index + 1, context, handler));
  }

  /**
   * Applies the outcome, retrying through storage errors while that still makes sense. Returns null
   * when it gave up (the server was killed, or its lease surely expired: a peer rescues it).
   */
  private Boolean finish(RunningJob job, String worker, RunOutcome outcome) {
    long backoff = 100;
    while (true) {
      try {
        return storage.finish(job.lease(), worker, outcome);
      } catch (RuntimeException e) {
        if (!keepTrying.getAsBoolean()
            || job.cancellation().cause() == Cancellation.Cause.LEASE_LOST) {
          log.warn(
              "could not store the outcome {} of job {} and gave up (the server stopped or lost the"
                  + " lease; another server will rescue the job): {}",
              outcome.target(),
              job.jobId(),
              e.toString());
          return null;
        }
        log.warn(
            "could not store the outcome {} of job {}, retrying in {} ms: {}",
            outcome.target(),
            job.jobId(),
            backoff,
            e.toString());
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
