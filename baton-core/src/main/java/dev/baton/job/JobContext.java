package dev.baton.job;

/**
 * What a running job knows about itself and how it talks back: identity, attempt, fencing token,
 * cancellation, progress and a log stored with the job.
 */
public interface JobContext {
  JobId jobId();

  String jobType();

  /** 1 for the first run; increases with each retry. */
  int attempt();

  int maxAttempts();

  /**
   * The fencing token of this run's lease: monotonic per job, bumped on every claim. Pass it along
   * with writes to external systems so that a run which lost its lease can be told apart.
   */
  long fencingToken();

  /**
   * When the job was created, on the storage's clock, or null if unknown (a context made by a test
   * or an inline runner). Not reset by a requeue or a rescue.
   */
  default java.time.Instant createdAt() {
    return null;
  }

  /**
   * The storage's time now as the running server estimates it (the JVM's clock corrected by the
   * offset learned from heartbeats), to compare with {@link #createdAt()}; the JVM's clock by
   * default.
   */
  default java.time.Instant storageNow() {
    return java.time.Instant.now();
  }

  /** The id of the server running the job. */
  String serverId();

  /**
   * True once the job should stop: server shutdown, lease lost, or the job was deleted or requeued
   * by anyone, from any instance.
   */
  boolean isCancellationRequested();

  /** Throws {@link JobCancelledException} if cancellation was requested. */
  void throwIfCancellationRequested();

  /**
   * Runs {@code callback} when cancellation is requested (at once, on this thread, if it already
   * was). Callbacks run on a Baton thread and must be quick.
   */
  void onCancel(Runnable callback);

  /** Why cancellation was requested, or null. */
  String cancellationReason();

  /** Stores progress (0..100) with the job. Values outside the range are rejected. */
  void progress(int percent);

  /** A logger whose lines are also stored with the job (and shown on the dashboard). */
  JobLogger log();
}
