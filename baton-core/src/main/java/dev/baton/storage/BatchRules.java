package dev.baton.storage;

import dev.baton.job.BatchId;
import dev.baton.job.JobId;

/**
 * The batch continuation's rules and wording, once for every storage (the Redis scripts mirror
 * them): what a batch's counts mean for its AWAITING continuation, and the history reasons.
 */
public final class BatchRules {
  private BatchRules() {}

  /** What to do with an AWAITING batch continuation. */
  public enum Decision {
    START,
    DELETE,
    WAIT
  }

  /**
   * The decision for counts {@code succeeded}, {@code failed}, {@code deleted} of {@code total}.
   */
  public static Decision decide(
      ContinuationCondition on, int total, int succeeded, int failed, int deleted) {
    if (succeeded == total
        || (on == ContinuationCondition.ON_ANY_FINAL && succeeded + failed + deleted == total)) {
      return Decision.START;
    }
    if (on == ContinuationCondition.ON_SUCCESS && deleted > 0) {
      return Decision.DELETE;
    }
    return Decision.WAIT;
  }

  /** The continuation's history reason when it starts. */
  public static String started(BatchId batch, int succeeded, int failed, int deleted) {
    return "batch "
        + batch
        + " finished: "
        + succeeded
        + " succeeded, "
        + failed
        + " failed, "
        + deleted
        + " deleted";
  }

  /** The continuation's history reason when an ON_SUCCESS batch lost a member. */
  public static String deleted(BatchId batch, JobId member) {
    return "member " + member + " of batch " + batch + " was deleted";
  }
}
