package dev.baton.filter;

import dev.baton.job.JobContext;
import dev.baton.storage.JobSpec;

/**
 * What {@link JobFilter#aroundPerform} sees: the job's spec, its decoded arguments and its running
 * context (cancellation, progress, log).
 */
public record PerformContext(JobSpec spec, Object args, JobContext job) {}
