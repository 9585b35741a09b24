package dev.baton.concurrency;

/** When a job's semaphore permits are given back. Rate-limit permits are never given back. */
public enum ReleasePolicy {
  /** When the job leaves PROCESSING for any reason (default). */
  ON_LEAVE_PROCESSING,
  /**
   * Only when the job reaches a final state (Succeeded, Failed, Deleted): a job waiting for its
   * retry keeps the permit, so nothing else on that key runs in between.
   */
  ON_FINAL
}
