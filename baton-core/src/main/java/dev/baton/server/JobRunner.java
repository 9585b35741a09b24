package dev.baton.server;

import dev.baton.filter.AppliedContext;
import dev.baton.filter.ElectContext;
import dev.baton.filter.JobFilter;
import dev.baton.filter.PerformChain;
import dev.baton.filter.PerformContext;
import dev.baton.json.JsonCodec;
import dev.baton.state.ExceptionInfo;
import dev.baton.storage.JobSpec;
import dev.baton.storage.RunOutcome;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one leased job on the current worker thread: finds its handler, reads its arguments, runs
 * the filter chain and the handler and elects the outcome, which the {@link Committer} then writes
 * under the job's lease. Never throws: every problem becomes the job's outcome or a log line.
 */
final class JobRunner {
  private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

  private final Handlers handlers;
  private final List<JobFilter> filters;
  private final JsonCodec json;
  private final BatonServerConfig config;
  private final BooleanSupplier mayWrite;
  private final Liveness liveness;
  private final JobTimeouts timeouts;
  private final UnknownTypePolicy unknownTypes;

  JobRunner(
      Handlers handlers,
      List<JobFilter> filters,
      JsonCodec json,
      BatonServerConfig config,
      BooleanSupplier mayWrite,
      Liveness liveness,
      JobTimeouts timeouts,
      UnknownTypePolicy unknownTypes) {
    this.timeouts = timeouts;
    this.unknownTypes = unknownTypes;
    this.handlers = handlers;
    this.filters = List.copyOf(filters);
    this.json = json;
    this.config = config;
    this.mayWrite = mayWrite;
    this.liveness = liveness;
  }

  /** What a worker hands to the {@link Committer}: a job that ran and the outcome it elected. */
  record Elected(RunningJob job, String worker, RunOutcome outcome) {}

  /**
   * Runs the job and elects its outcome, on the worker thread. Returns null if nothing may be
   * written (the server was killed).
   */
  Elected run(RunningJob job) {
    String worker = Thread.currentThread().getName();
    String refusal = refusal(job);
    if (refusal != null) {
      return notStarted(job, worker, refusal);
    }
    ElectContext election = perform(job, job.leased().spec(), worker);
    if (!job.handlerReturned()) {
      log.warn(
          "job {} ({}) returned after it was given up past its timeout; its result ({}) is dropped",
          job.jobId(),
          job.jobType(),
          election.candidate().target());
      return null;
    }
    elect(election);
    if (!mayWrite.getAsBoolean()) {
      log.debug("server was killed (test seam): job {} writes nothing", job.jobId());
      return null;
    }
    job.flushReports();
    job.finishing();
    return new Elected(job, worker, election.candidate());
  }

  private void elect(ElectContext election) {
    for (JobFilter filter : filters) {
      try {
        filter.onElect(election);
      } catch (RuntimeException | Error e) { // an Error too: the job's outcome must not be lost
        log.warn("filter {} threw in onElect for job {}; skipped", filter, election.spec().id(), e);
      }
    }
  }

  /**
   * The outcome of a run given up past its timeout (its handler never returned): a failed attempt,
   * retried as any failure. Null if nothing may be written (the server was killed).
   */
  Elected givenUp(RunningJob job, String worker, String reason) {
    ElectContext election =
        new ElectContext(
            job.leased().spec(),
            job,
            null,
            true,
            new RunOutcome.Failed(null, "timed out: " + reason));
    elect(election);
    if (!mayWrite.getAsBoolean()) {
      return null;
    }
    try {
      job.flushReports();
    } catch (RuntimeException e) {
      log.debug("job {}: its last reports are lost: {}", job.jobId(), e.toString());
    }
    job.finishing();
    return new Elected(job, worker, election.candidate());
  }

  /**
   * Why the job must not start now, or null: checked on the worker just before the handler, the
   * last moment, so claimed, handed-over and recovered jobs all pass here. Not while this server's
   * proof of life is stale (a peer may declare it dead before the handler is done), nor if the
   * lease was asked for before the server heard it had been declared dead (the rescue may have
   * requeued it), nor if the job's token fired already (revoked, shutdown).
   */
  private String refusal(RunningJob job) {
    if (job.cancellation().isRequested()) {
      return job.cancellationReason();
    }
    if (job.epoch() != liveness.epoch()) {
      return "server "
          + config.serverId()
          + " was declared dead after it leased the job; the rescue requeued it";
    }
    if (!liveness.fresh()) {
      return "no storage call proved server "
          + config.serverId()
          + " alive for "
          + java.time.Duration.ofNanos(liveness.ageNanos()).toMillis()
          + " ms (self-fence at "
          + config.selfFenceAfter()
          + "): a peer may declare it dead before the job is done";
    }
    return null;
  }

  /**
   * A job that must not start: its token fires (so a refused write is expected news), and it is
   * released to the head of its queue without spending an attempt, if the lease is still this
   * server's; if not, the storage refuses that. No filter runs: the job did not run.
   */
  private Elected notStarted(RunningJob job, String worker, String why) {
    job.cancellation().fire(Cancellation.Cause.LEASE_LOST, why);
    log.debug("server {} does not start {}: {}", config.serverId(), job, why);
    if (!mayWrite.getAsBoolean()) {
      return null;
    }
    job.finishing();
    return new Elected(
        job,
        worker,
        new RunOutcome.Released(
            "server "
                + config.serverId()
                + " did not start the job ("
                + why
                + "); released to the head of its queue without spending an attempt"));
  }

  /**
   * The outcome of a run that broke in the server itself ({@code t} escaped {@link #run}: an Error
   * while reading the arguments, say): FAILED with that error and no retry, since the same input
   * would break the same way, so the job is not left PROCESSING under a server that no longer runs
   * it. Null if nothing may be written (the server was killed).
   */
  Elected broken(RunningJob job, String worker, Throwable t) {
    if (!mayWrite.getAsBoolean()) {
      return null;
    }
    try {
      job.flushReports();
    } catch (RuntimeException e) {
      log.debug("job {}: its last reports are lost: {}", job.jobId(), e.toString());
    }
    job.finishing();
    return new Elected(
        job,
        worker,
        new RunOutcome.Failed(
            ExceptionInfo.of(t),
            "server "
                + config.serverId()
                + " broke while running the job ("
                + t
                + "); requeue the job once the cause is fixed"));
  }

  /**
   * After the storage answered the job's {@code finish}: a refusal means the lease was lost (the
   * token fires, with a WARN, unless the job was cancelled anyway); then the {@code onApplied}
   * filters run.
   */
  void applied(Elected elected, boolean applied) {
    RunningJob job = elected.job();
    RunOutcome outcome = elected.outcome();
    if (!applied && job.cancellation().isRequested()) {
      log.info(
          "job {} ({}) was cancelled ({}); the storage refused its {} under token {}, as expected",
          job.jobId(),
          job.jobType(),
          job.cancellationReason(),
          outcome.target(),
          job.fencingToken());
    } else if (!applied) {
      job.leaseLost("finish (" + outcome.target() + ")");
    } else {
      log.debug(
          "job {} ({}) -> {}: {}", job.jobId(), job.jobType(), outcome.target(), outcome.reason());
    }
    AppliedContext done = new AppliedContext(job.leased().spec(), job, outcome, applied);
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
      RunOutcome outcome =
          unknownTypes.outcome(
              spec.type(), job.leased().createdAt(), config.serverId(), handlers.names());
      if (outcome instanceof RunOutcome.Failed) {
        log.error("job {} failed: {}", spec.id(), outcome.reason());
      } else {
        log.info("job {}: {}", spec.id(), outcome.reason());
      }
      return new ElectContext(spec, job, null, false, outcome);
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
    java.time.Duration timeout = dev.baton.client.JobMeta.timeout(json, spec);
    JobTimeouts.Armed armed = timeout == null ? null : timeouts.arm(job, timeout);
    try {
      if (config.interruptOnCancel()) {
        job.cancellation().interruptOnFire(Thread.currentThread());
      }
      chain(0, new PerformContext(spec, args, job), handler).proceed();
      long millis = (System.nanoTime() - start) / 1_000_000;
      String late =
          armed != null && armed.timedOut() ? " (past its timeout of " + timeout + ")" : "";
      return new ElectContext(
          spec,
          job,
          null,
          true,
          new RunOutcome.Succeeded(
              config.retention(), "completed in " + millis + " ms" + late + " by " + worker));
    } catch (Throwable t) {
      if (armed != null && armed.timedOut()) {
        log.info("job {} ({}) attempt {} timed out: {}", spec.id(), spec.type(), job.attempt(), t);
        return new ElectContext(
            spec,
            job,
            t,
            true,
            new RunOutcome.Failed(
                ExceptionInfo.of(t), "timed out: " + armed.reason() + "; it stopped with " + t));
      }
      if (job.cancellation().isRequested()) {
        // Stopping because we asked it to is not a failure: no attempt is spent. If the lease was
        // really lost the storage refuses this; if it was only presumed lost (heartbeat outage),
        // the job goes back to the head of its queue.
        return new ElectContext(
            spec,
            job,
            t,
            true,
            new RunOutcome.Released(
                "server "
                    + config.serverId()
                    + " cancelled the job ("
                    + job.cancellationReason()
                    + "); it stopped ("
                    + t
                    + ") and goes back to the head of its queue without spending an attempt"));
      }
      log.info(
          "job {} ({}) attempt {} failed: {}", spec.id(), spec.type(), job.attempt(), t.toString());
      return new ElectContext(
          spec, job, t, true, new RunOutcome.Failed(ExceptionInfo.of(t), String.valueOf(t)));
    } finally {
      if (armed != null) {
        armed.disarm();
        Thread.interrupted(); // a timeout's interrupt must not reach the thread's next job
      }
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
}
