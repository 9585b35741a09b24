package dev.baton.filter;

import dev.baton.job.JobContext;
import dev.baton.storage.JobSpec;
import dev.baton.storage.RunOutcome;

/**
 * What {@link JobFilter#onApplied} sees: the outcome the server asked the storage to apply, and
 * whether it was applied ({@code false}: the lease was lost, nothing changed).
 */
public record AppliedContext(JobSpec spec, JobContext job, RunOutcome outcome, boolean applied) {}
