package dev.baton.server;

import dev.baton.state.JobState;
import dev.baton.storage.JobMonitor;
import dev.baton.storage.JobRecord;
import dev.baton.storage.JobSearch;
import dev.baton.storage.JobStorage;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Purges finished jobs (with history and logs) whose retention expired, and expired uniqueness
 * keys, in small batches so that no storage call holds locks for long.
 *
 * <p>With a failed-job retention, it first deletes FAILED jobs that failed longer ago than that:
 * through the storage's conditional delete (a job requeued since the search is left alone) with no
 * retention of its own, so the purge right after removes them, and a continuation waiting on one
 * follows the rule for a deleted parent.
 */
public final class RetentionPlugin extends PeriodicPlugin {
  private static final int MAX_CALLS_PER_TICK = 10;
  private static final Set<JobState> FAILED = EnumSet.of(JobState.FAILED);
  private final int batchSize;
  private final Duration failedRetention;

  public RetentionPlugin(Duration interval, int batchSize) {
    this(interval, batchSize, Optional.empty());
  }

  public RetentionPlugin(Duration interval, int batchSize, Optional<Duration> failedRetention) {
    super("retention", interval);
    if (batchSize < 1) {
      throw new IllegalArgumentException(
          "retention batch size must be at least 1, got " + batchSize);
    }
    this.batchSize = batchSize;
    this.failedRetention = failedRetention.orElse(null);
  }

  @Override
  protected void tick(PluginContext context) {
    JobStorage storage = context.storage();
    if (failedRetention != null && storage instanceof JobMonitor monitor) {
      deleteOldFailures(storage, monitor);
    }
    for (int i = 0; i < MAX_CALLS_PER_TICK; i++) {
      if (storage.purgeExpired(batchSize) < batchSize) {
        return;
      }
    }
  }

  private void deleteOldFailures(JobStorage storage, JobMonitor monitor) {
    Instant cutoff = storage.now().minus(failedRetention);
    String reason = "failed more than " + failedRetention + " ago: past the failed-job retention";
    int limit = Math.min(batchSize, JobSearch.MAX_LIMIT);
    for (int i = 0; i < MAX_CALLS_PER_TICK; i++) {
      JobSearch search = JobSearch.inState(JobState.FAILED, limit).between(null, cutoff);
      var page = monitor.searchJobs(search);
      for (JobRecord job : page.items()) {
        storage.delete(job.spec().id(), reason, Duration.ZERO, FAILED);
      }
      if (page.items().size() < limit) {
        return;
      }
    }
  }
}
