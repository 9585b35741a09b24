package dev.baton.stats;

import dev.baton.filter.AppliedContext;
import dev.baton.filter.JobFilter;
import dev.baton.filter.PerformChain;
import dev.baton.filter.PerformContext;
import dev.baton.job.JobContext;
import dev.baton.stats.OutcomeCounters.Outcome;
import dev.baton.storage.RunOutcome;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Times each run and counts each applied outcome (succeeded, failed for good, scheduled to retry)
 * per job type into {@link OutcomeCounters}. Runs released at shutdown, deleted by a filter or
 * refused by the storage (lease lost) are not counted.
 *
 * <p>Run time is the handler's wall time (with the filters inside this one). Wait time is from the
 * job's creation to the start of its first attempt, which includes a scheduled delay; retries count
 * no wait, since when a retry became due is not known to the server without a storage read.
 */
public final class StatsFilter implements JobFilter {
  private record Timing(long runMillis, long waitMillis) {}

  private final OutcomeCounters counters;
  private final Function<JobContext, Instant> createdAt;

  /** Runs timed but not yet applied, by the running job (its context, compared by identity). */
  private final Map<JobContext, Timing> timings = new ConcurrentHashMap<>();

  /**
   * @param createdAt when the running job was created (storage clock), or null if unknown
   */
  public StatsFilter(OutcomeCounters counters, Function<JobContext, Instant> createdAt) {
    this.counters = Objects.requireNonNull(counters, "counters");
    this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
  }

  @Override
  public void aroundPerform(PerformContext context, PerformChain next) throws Exception {
    long startMillis = counters.nowMillis();
    long start = System.nanoTime();
    try {
      next.proceed();
    } finally {
      long run = (System.nanoTime() - start) / 1_000_000;
      timings.put(context.job(), new Timing(run, waitMillis(context.job(), startMillis)));
    }
  }

  private long waitMillis(JobContext job, long startMillis) {
    if (job.attempt() != 1) {
      return 0;
    }
    Instant created = createdAt.apply(job);
    return created == null ? 0 : Math.max(0, startMillis - created.toEpochMilli());
  }

  @Override
  public void onApplied(AppliedContext context) {
    Timing timing = timings.remove(context.job());
    if (!context.applied()) {
      return;
    }
    Outcome outcome = counted(context.outcome());
    if (outcome != null) {
      counters.add(
          context.spec().type(),
          outcome,
          timing == null ? 0 : timing.runMillis(),
          timing == null ? 0 : timing.waitMillis());
    }
  }

  private static Outcome counted(RunOutcome outcome) {
    if (outcome instanceof RunOutcome.Succeeded) {
      return Outcome.SUCCEEDED;
    }
    if (outcome instanceof RunOutcome.Retry r) {
      return r.spendsAttempt() ? Outcome.RETRIED : null;
    }
    return outcome instanceof RunOutcome.Failed ? Outcome.FAILED : null;
  }
}
