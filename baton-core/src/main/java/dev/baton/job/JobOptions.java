package dev.baton.job;

import dev.baton.concurrency.ConcurrencyLimit;
import dev.baton.concurrency.ReleasePolicy;
import dev.baton.concurrency.UniqueJob;
import dev.baton.concurrency.WaitPolicy;
import dev.baton.storage.JobSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a job runs: queue, attempts, retry backoff, concurrency limits and uniqueness. A {@link
 * JobType} carries defaults; an enqueue call may pass options that are {@linkplain
 * #overriddenBy(JobOptions) laid over} them. Unset fields (null) fall back to the type's value and
 * then to the named defaults below.
 */
public final class JobOptions {
  public static final String DEFAULT_QUEUE = JobSpec.DEFAULT_QUEUE;
  public static final int DEFAULT_MAX_ATTEMPTS = 10;

  /** No overrides: every value falls back. */
  public static final JobOptions NONE = builder().build();

  private final String queue;
  private final Integer maxAttempts;
  private final RetryBackoff retryBackoff;
  private final List<ConcurrencyLimit> limits;
  private final UniqueJob unique;
  private final WaitPolicy waitPolicy;
  private final ReleasePolicy releasePolicy;
  private final java.time.Duration timeout;

  private JobOptions(Builder b) {
    this.queue = b.queue;
    this.maxAttempts = b.maxAttempts;
    this.retryBackoff = b.retryBackoff;
    this.limits = List.copyOf(b.limits);
    this.unique = b.unique;
    this.waitPolicy = b.waitPolicy;
    this.releasePolicy = b.releasePolicy;
    this.timeout = b.timeout;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** These options with every field set in {@code other} replacing ours; limits are added. */
  public JobOptions overriddenBy(JobOptions other) {
    Builder b = toBuilder();
    if (other.queue != null) b.queue = other.queue;
    if (other.maxAttempts != null) b.maxAttempts = other.maxAttempts;
    if (other.retryBackoff != null) b.retryBackoff = other.retryBackoff;
    b.limits.addAll(other.limits);
    if (other.unique != null) b.unique = other.unique;
    if (other.waitPolicy != null) b.waitPolicy = other.waitPolicy;
    if (other.releasePolicy != null) b.releasePolicy = other.releasePolicy;
    if (other.timeout != null) b.timeout = other.timeout;
    return b.build();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.queue = queue;
    b.maxAttempts = maxAttempts;
    b.retryBackoff = retryBackoff;
    b.limits.addAll(limits);
    b.unique = unique;
    b.waitPolicy = waitPolicy;
    b.releasePolicy = releasePolicy;
    b.timeout = timeout;
    return b;
  }

  public String queue() {
    return queue == null ? DEFAULT_QUEUE : queue;
  }

  public int maxAttempts() {
    return maxAttempts == null ? DEFAULT_MAX_ATTEMPTS : maxAttempts;
  }

  public RetryBackoff retryBackoff() {
    return retryBackoff == null ? RetryBackoff.DEFAULT : retryBackoff;
  }

  public List<ConcurrencyLimit> limits() {
    return limits;
  }

  /** The uniqueness rule, or null for none. */
  public UniqueJob unique() {
    return unique;
  }

  public WaitPolicy waitPolicy() {
    return waitPolicy == null ? WaitPolicy.WAIT : waitPolicy;
  }

  public ReleasePolicy releasePolicy() {
    return releasePolicy == null ? ReleasePolicy.ON_LEAVE_PROCESSING : releasePolicy;
  }

  /**
   * The longest one run of the job may take, or null for no limit (the default). Past it the job's
   * token fires; after the server's {@code timeoutGrace} its thread is interrupted; a handler that
   * has still not returned after a second grace is given up: the attempt fails with the reason, and
   * its worker is replaced. A run that stops (throws) after its timeout fired counts as a failed
   * attempt (retried per the backoff, then FAILED); one that returns normally succeeded.
   */
  public java.time.Duration timeout() {
    return timeout;
  }

  @Override
  public String toString() {
    return "JobOptions{queue="
        + queue()
        + ", maxAttempts="
        + maxAttempts()
        + ", retryBackoff="
        + retryBackoff()
        + ", limits="
        + limits
        + ", unique="
        + unique
        + ", waitPolicy="
        + waitPolicy()
        + ", releasePolicy="
        + releasePolicy()
        + (timeout == null ? "" : ", timeout=" + timeout)
        + "}";
  }

  /** Builds {@link JobOptions}; values are validated as they are set. */
  public static final class Builder {
    private String queue;
    private Integer maxAttempts;
    private RetryBackoff retryBackoff;
    private final List<ConcurrencyLimit> limits = new ArrayList<>();
    private UniqueJob unique;
    private WaitPolicy waitPolicy;
    private ReleasePolicy releasePolicy;
    private java.time.Duration timeout;

    private Builder() {}

    public Builder queue(String queue) {
      if (!JobSpec.isQueueName(queue)) {
        throw new IllegalArgumentException(
            "queue name must match " + JobSpec.QUEUE_NAME + ", got '" + queue + "'");
      }
      this.queue = queue;
      return this;
    }

    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    public Builder retryBackoff(RetryBackoff backoff) {
      this.retryBackoff = Objects.requireNonNull(backoff, "retryBackoff");
      return this;
    }

    /** Adds a limit; all of a job's limits are taken together at claim, or none. */
    public Builder limit(ConcurrencyLimit limit) {
      limits.add(Objects.requireNonNull(limit, "limit"));
      return this;
    }

    public Builder mutex(String keyTemplate) {
      return limit(ConcurrencyLimit.mutex(keyTemplate));
    }

    public Builder semaphore(String keyTemplate, int permits) {
      return limit(ConcurrencyLimit.semaphore(keyTemplate, permits));
    }

    public Builder rateLimit(String keyTemplate, int starts, java.time.Duration window) {
      return limit(ConcurrencyLimit.rateLimit(keyTemplate, starts, window));
    }

    public Builder slidingRateLimit(String keyTemplate, int starts, java.time.Duration window) {
      return limit(ConcurrencyLimit.slidingRateLimit(keyTemplate, starts, window));
    }

    public Builder unique(UniqueJob unique) {
      this.unique = Objects.requireNonNull(unique, "unique");
      return this;
    }

    public Builder waitPolicy(WaitPolicy waitPolicy) {
      this.waitPolicy = Objects.requireNonNull(waitPolicy, "waitPolicy");
      return this;
    }

    public Builder releasePolicy(ReleasePolicy releasePolicy) {
      this.releasePolicy = Objects.requireNonNull(releasePolicy, "releasePolicy");
      return this;
    }

    /** See {@link JobOptions#timeout()}: at least 1 ms. */
    public Builder timeout(java.time.Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.toMillis() < 1) {
        throw new IllegalArgumentException("timeout must be at least 1 ms, got " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    public JobOptions build() {
      return new JobOptions(this);
    }
  }
}
