package dev.baton.storage;

/** When a continuation (a job created with a parent) leaves AWAITING. */
public enum ContinuationCondition {
  /**
   * When the parent succeeds (default). If the parent is deleted, the continuation is deleted too;
   * while the parent is FAILED the continuation keeps waiting, since the parent may be requeued.
   */
  ON_SUCCESS,
  /** When the parent reaches any final state: Succeeded, Failed or Deleted. */
  ON_ANY_FINAL
}
