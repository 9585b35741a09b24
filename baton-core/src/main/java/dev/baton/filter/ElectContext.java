package dev.baton.filter;

import dev.baton.job.JobContext;
import dev.baton.storage.JobSpec;
import dev.baton.storage.RunOutcome;
import java.util.Objects;

/**
 * The election of a run's outcome. The server proposes a candidate (success, failure, or release on
 * shutdown); each filter's {@link JobFilter#onElect} may replace it. The last candidate is what the
 * storage is asked to apply.
 */
public final class ElectContext {
  private final JobSpec spec;
  private final JobContext job;
  private final Throwable exception;
  private final boolean retryable;
  private RunOutcome candidate;

  public ElectContext(
      JobSpec spec, JobContext job, Throwable exception, boolean retryable, RunOutcome candidate) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.job = Objects.requireNonNull(job, "job");
    this.exception = exception;
    this.retryable = retryable;
    this.candidate = Objects.requireNonNull(candidate, "candidate");
  }

  public JobSpec spec() {
    return spec;
  }

  /** The run's context: id, attempt, max attempts, server. */
  public JobContext job() {
    return job;
  }

  /** What the handler (or a filter) threw, or null if it returned normally. */
  public Throwable exception() {
    return exception;
  }

  /**
   * False when the failure cannot be fixed by running again (unknown job type, unreadable
   * arguments): retry filters must leave such a job failed.
   */
  public boolean retryable() {
    return retryable;
  }

  public RunOutcome candidate() {
    return candidate;
  }

  /** Replaces the candidate outcome. */
  public void candidate(RunOutcome outcome) {
    this.candidate = Objects.requireNonNull(outcome, "outcome");
  }
}
