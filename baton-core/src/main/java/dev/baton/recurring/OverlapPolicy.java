package dev.baton.recurring;

/** What happens when an occurrence comes due while the job of an earlier one has not finished. */
public enum OverlapPolicy {
  /**
   * The occurrence is skipped (default). Each occurrence's job holds the uniqueness key {@code
   * recurring:<id>} until it finishes, so a new one comes back as a duplicate of the active run and
   * is logged as skipped.
   */
  SKIP,
  /** Occurrences run side by side. */
  ALLOW,
  /**
   * Occurrences queue up: each job needs the mutex {@code recurring:<id>}, so the next waits
   * (parked, holding no worker) until the previous run leaves processing.
   */
  QUEUE
}
