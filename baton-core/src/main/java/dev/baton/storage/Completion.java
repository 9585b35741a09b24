package dev.baton.storage;

import java.util.Objects;

/**
 * One element of {@link JobStorage#finishAll}: the arguments of one {@link JobStorage#finish} call.
 *
 * @param worker the worker that ran the job, for the history; may be null
 */
public record Completion(Lease lease, String worker, RunOutcome outcome) {
  public Completion {
    Objects.requireNonNull(lease, "lease");
    Objects.requireNonNull(outcome, "outcome");
  }
}
