package dev.baton.storage;

import java.time.Instant;

/**
 * A job handed to a server by {@link JobStorage#claim}: what it needs to run it.
 *
 * @param attempt 1 for the first run; increases with every retry (not with rescues or releases)
 */
public record LeasedJob(Lease lease, JobSpec spec, int attempt, Instant createdAt) {}
