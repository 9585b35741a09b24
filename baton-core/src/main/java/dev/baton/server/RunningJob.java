package dev.baton.server;

import dev.baton.job.JobCancelledException;
import dev.baton.job.JobContext;
import dev.baton.job.JobId;
import dev.baton.job.JobLogger;
import dev.baton.storage.JobStorage;
import dev.baton.storage.Lease;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.LogLine;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.MessageFormatter;

/**
 * One job leased to this server: its lease, cancellation token and pending reports, and the {@link
 * JobContext} its handler sees.
 */
final class RunningJob implements JobContext {
  private static final Logger log = LoggerFactory.getLogger(RunningJob.class);
  private static final Logger jobLog = LoggerFactory.getLogger("dev.baton.job");

  private final LeasedJob leased;
  private final JobStorage storage;
  private final StorageClock clock;
  private final Cancellation cancellation = new Cancellation();
  private final ReportBuffer reports = new ReportBuffer();
  private final JobLogger logger = new StoredLogger();
  private final int epoch;
  private final Executor explainer;
  private volatile boolean finishing;

  /**
   * Who elects the run's outcome: nobody yet, its worker (the handler returned), or the timeout.
   */
  private final java.util.concurrent.atomic.AtomicInteger outcomeBy =
      new java.util.concurrent.atomic.AtomicInteger(OUTCOME_OPEN);

  private static final int OUTCOME_OPEN = 0;
  private static final int OUTCOME_BY_WORKER = 1;
  private static final int OUTCOME_BY_TIMEOUT = 2;

  /**
   * @param epoch {@link Liveness#epoch()} when the lease was asked for (the claim was sent, the
   *     push arrived, the look for leases was sent)
   * @param explainer where a revocation reads why (see {@link #revoked()}) and runs the callbacks
   */
  RunningJob(
      LeasedJob leased, JobStorage storage, StorageClock clock, int epoch, Executor explainer) {
    this.leased = leased;
    this.explainer = explainer;
    this.storage = storage;
    this.clock = clock;
    this.epoch = epoch;
  }

  /** {@link Liveness#epoch()} when the lease was asked for. */
  int epoch() {
    return epoch;
  }

  LeasedJob leased() {
    return leased;
  }

  Lease lease() {
    return leased.lease();
  }

  /** The handler returned: its worker elects the outcome, unless the run was given up already. */
  boolean handlerReturned() {
    return outcomeBy.compareAndSet(OUTCOME_OPEN, OUTCOME_BY_WORKER);
  }

  /** The handler did not return in time: the timeout elects, unless the handler just returned. */
  boolean giveUp() {
    return outcomeBy.compareAndSet(OUTCOME_OPEN, OUTCOME_BY_TIMEOUT);
  }

  /** Whether the run was given up past its timeout: its late result is dropped. */
  boolean wasGivenUp() {
    return outcomeBy.get() == OUTCOME_BY_TIMEOUT;
  }

  /** The handler is done and the outcome is being written: revocations are now stale news. */
  void finishing() {
    finishing = true;
  }

  /** The handler is done and the outcome elected; it is being written. */
  boolean isFinishing() {
    return finishing;
  }

  Cancellation cancellation() {
    return cancellation;
  }

  /**
   * Stores pending progress and log lines. A refusal means the lease is lost: the token fires.
   * Storage errors are logged; the lines stay pending.
   */
  void flushReports() {
    if (reports.isEmpty()) {
      return;
    }
    try {
      if (!reports.flush(storage, lease())) {
        leaseLost("report");
      }
    } catch (RuntimeException e) {
      log.warn(
          "could not store progress/log lines of job {} (will retry): {}", jobId(), e.toString());
    }
  }

  /**
   * The storage revoked this job's lease (deleted, requeued or rescued elsewhere): fire the token.
   * Returns whether this call fired it.
   */
  boolean revoked() {
    if (finishing) {
      // A heartbeat that listed the lease crossed our own finish: nothing to cancel.
      return false;
    }
    Runnable callbacks =
        cancellation.fireLater(
            Cancellation.Cause.LEASE_LOST,
            Revocation.PREFIX + "the job was deleted, requeued or rescued elsewhere",
            () -> Revocation.explain(storage.find(jobId()), serverId()));
    if (callbacks == null) {
      return false;
    }
    // The job sees the token at once; its callbacks run once the reason says which (one storage
    // read), on the explainer's thread: not the heartbeat's, nor a storage's notification thread.
    try {
      explainer.execute(
          () -> {
            cancellation.reason();
            callbacks.run();
          });
    } catch (RejectedExecutionException e) { // the server is stopping
      callbacks.run();
    }
    return true;
  }

  /** A worker-side write was refused: the lease is gone; stop the job and say so. */
  void leaseLost(String write) {
    log.warn(
        "lease lost: storage refused the {} of job {} ({}) under fencing token {} on server {}; "
            + "the result is dropped and the job's cancellation fires",
        write,
        jobId(),
        jobType(),
        fencingToken(),
        serverId());
    cancellation.fire(Cancellation.Cause.LEASE_LOST, "lease lost: the storage refused a " + write);
  }

  @Override
  public JobId jobId() {
    return leased.spec().id();
  }

  @Override
  public String jobType() {
    return leased.spec().type();
  }

  @Override
  public int attempt() {
    return leased.attempt();
  }

  @Override
  public int maxAttempts() {
    return leased.spec().maxAttempts();
  }

  @Override
  public long fencingToken() {
    return leased.lease().token();
  }

  @Override
  public java.time.Instant createdAt() {
    return leased.createdAt();
  }

  @Override
  public java.time.Instant storageNow() {
    return clock.now();
  }

  @Override
  public String serverId() {
    return leased.lease().serverId();
  }

  @Override
  public boolean isCancellationRequested() {
    return cancellation.isRequested();
  }

  @Override
  public void throwIfCancellationRequested() {
    if (cancellation.isRequested()) {
      throw new JobCancelledException(jobId(), cancellation.reason());
    }
  }

  @Override
  public void onCancel(Runnable callback) {
    cancellation.onCancel(callback);
  }

  @Override
  public String cancellationReason() {
    return cancellation.reason();
  }

  @Override
  public void progress(int percent) {
    if (percent < 0 || percent > 100) {
      throw new IllegalArgumentException(
          "progress of job " + jobId() + " must be 0..100, got " + percent);
    }
    reports.progress(percent);
  }

  @Override
  public JobLogger log() {
    return logger;
  }

  @Override
  public String toString() {
    return "job " + jobId() + " (" + jobType() + ", token " + fencingToken() + ")";
  }

  /** Forwards to SLF4J and keeps the line for the job's stored log. */
  private final class StoredLogger implements JobLogger {
    @Override
    public void info(String message, Object... args) {
      keep(org.slf4j.event.Level.INFO, message, args);
    }

    @Override
    public void warn(String message, Object... args) {
      keep(org.slf4j.event.Level.WARN, message, args);
    }

    @Override
    public void error(String message, Object... args) {
      keep(org.slf4j.event.Level.ERROR, message, args);
    }

    private void keep(org.slf4j.event.Level level, String message, Object[] args) {
      String text = MessageFormatter.arrayFormat(message, args).getMessage();
      jobLog.atLevel(level).log("[{} {}] {}", jobType(), jobId(), text);
      if (reports.add(new LogLine(clock.now(), level.name(), text))) {
        flushReports();
      }
    }
  }
}
