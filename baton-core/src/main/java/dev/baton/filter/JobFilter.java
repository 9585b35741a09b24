package dev.baton.filter;

/**
 * A server-side hook into a job's run, as Hangfire's filters: wrap the handler, elect the outcome,
 * observe what the storage applied. Every method has an empty default, so a filter overrides only
 * what it needs. Filters run in the order they were added to the server; the {@link RetryFilter} is
 * installed first by default.
 *
 * <p>A filter that throws from {@link #onElect} or {@link #onApplied} is logged and skipped; the
 * job's outcome is not lost. A filter that throws from {@link #aroundPerform} fails the run as the
 * handler would.
 */
public interface JobFilter {
  /**
   * Wraps the handler: call {@code next.proceed()} to run the rest of the chain and the handler (or
   * don't, to skip it). Exceptions thrown here count as the run's failure.
   */
  default void aroundPerform(PerformContext context, PerformChain next) throws Exception {
    next.proceed();
  }

  /**
   * Called after the run with the candidate outcome (success, failure, release); may replace it
   * with {@link ElectContext#candidate(dev.baton.storage.RunOutcome)}.
   */
  default void onElect(ElectContext context) {}

  /** Called after the storage was asked to apply the elected outcome (applied or refused). */
  default void onApplied(AppliedContext context) {}
}
