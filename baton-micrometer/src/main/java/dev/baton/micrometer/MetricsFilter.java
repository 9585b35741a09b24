package dev.baton.micrometer;

import dev.baton.client.JobMeta;
import dev.baton.filter.AppliedContext;
import dev.baton.filter.JobFilter;
import dev.baton.filter.PerformChain;
import dev.baton.filter.PerformContext;
import dev.baton.job.JobContext;
import dev.baton.json.JsonCodec;
import dev.baton.micrometer.JobMeters.Outcome;
import dev.baton.storage.JobSpec;
import dev.baton.storage.RunOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The server side of {@link BatonMetrics}: times each run's handler and its first start's wait, and
 * counts each outcome once the storage applied it. A run whose outcome the storage refused (its
 * lease was lost: deleted, requeued or rescued meanwhile) counts no outcome, so nothing is counted
 * twice across servers; its time is recorded with the outcome {@code lost}.
 */
final class MetricsFilter implements JobFilter {
  private final JobMeters meters;
  private final JsonCodec json = new JsonCodec();

  /** Handler times of runs not applied yet, by the running job (compared by identity). */
  private final Map<JobContext, Long> runNanos = new ConcurrentHashMap<>();

  MetricsFilter(JobMeters meters) {
    this.meters = meters;
  }

  @Override
  public void aroundPerform(PerformContext context, PerformChain next) throws Exception {
    JobSpec spec = context.spec();
    Duration wait = firstWait(spec, context.job());
    if (wait != null) {
      meters.of(spec.type(), spec.queue()).queueWait.record(wait);
    }
    long start = System.nanoTime();
    try {
      next.proceed();
    } finally {
      runNanos.put(context.job(), System.nanoTime() - start);
    }
  }

  /**
   * From when the job became ready (its creation, or the time it was scheduled for) to its first
   * start, on the storage's clock; null when the run is not a job's first start, whose wait is not
   * known here: a retry (when it became due), a run after a requeue, rescue or release (the fencing
   * token, bumped on every claim, is past 1), a continuation (it waited for its parent).
   */
  private Duration firstWait(JobSpec spec, JobContext job) {
    if (job.fencingToken() != 1 || job.attempt() != 1 || spec.parent() != null) {
      return null;
    }
    Instant ready = JobMeta.readyAt(json, spec, job.createdAt());
    if (ready == null) {
      return null;
    }
    Duration wait = Duration.between(ready, job.storageNow());
    return wait.isNegative() ? Duration.ZERO : wait;
  }

  @Override
  public void onApplied(AppliedContext context) {
    Long nanos = runNanos.remove(context.job());
    JobMeters.ForPair m = meters.of(context.spec().type(), context.spec().queue());
    Outcome outcome = context.applied() ? outcome(context.outcome()) : Outcome.LOST;
    if (nanos != null) {
      m.execution(outcome).record(nanos, TimeUnit.NANOSECONDS);
    }
    switch (outcome) {
      case SUCCEEDED -> m.succeeded.increment();
      case FAILED -> m.failed.increment();
      case RETRIED -> m.retried.increment();
      case DELETED -> m.deleted.increment();
      default -> {} // postponed, released and lost runs are not job outcomes
    }
  }

  private static Outcome outcome(RunOutcome outcome) {
    if (outcome instanceof RunOutcome.Succeeded) {
      return Outcome.SUCCEEDED;
    }
    if (outcome instanceof RunOutcome.Failed) {
      return Outcome.FAILED;
    }
    if (outcome instanceof RunOutcome.Retry r) {
      return r.spendsAttempt() ? Outcome.RETRIED : Outcome.POSTPONED;
    }
    if (outcome instanceof RunOutcome.Deleted) {
      return Outcome.DELETED;
    }
    return Outcome.RELEASED;
  }
}
