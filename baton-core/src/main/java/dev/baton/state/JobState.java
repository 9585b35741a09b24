package dev.baton.state;

/**
 * The states of a job. The transitions, each one atomic storage operation:
 *
 * <pre>
 *  create ──► SCHEDULED ──promote──► ENQUEUED ──claim──► PROCESSING ──finish──► SUCCEEDED
 *        ├──► ENQUEUED                  ▲  │ (permit busy)     │  ├──finish──► FAILED
 *        └──► AWAITING ──parent done────┘  ▼                   │  ├──finish(retry)──► SCHEDULED
 *                                       BLOCKED ──permit freed─┘  └──release/rescue──► ENQUEUED (head)
 *  any non-final ──delete──► DELETED;  any ──requeue──► ENQUEUED
 * </pre>
 *
 * A BLOCKED job is parked behind a concurrency key: it holds no worker and becomes ENQUEUED again
 * the moment a permit it waits for is released.
 */
public enum JobState {
  /** Waits for its run time (delayed job, or a retry waiting for its backoff). */
  SCHEDULED,
  /** Ready to be claimed by a server. */
  ENQUEUED,
  /** A continuation waiting for its parent to reach a final state. */
  AWAITING,
  /**
   * Claimed once, but a concurrency permit it needs is held by another job: parked, FIFO per key.
   */
  BLOCKED,
  /** Leased to a server, running on one of its workers. */
  PROCESSING,
  /** Finished without error; expires after the retention period. */
  SUCCEEDED,
  /** Finished with an error after its last attempt; stays until deleted or requeued. */
  FAILED,
  /** Deleted by a user or a filter; expires after the retention period. */
  DELETED;

  /** Succeeded, Failed or Deleted: the states a continuation waits for. */
  public boolean isFinal() {
    return this == SUCCEEDED || this == FAILED || this == DELETED;
  }
}
