package dev.baton.storage;

import dev.baton.job.JobId;

/**
 * Push notifications from a storage, so servers wake up instead of polling. Delivery is best effort
 * and may be duplicated; servers keep a slow poll as a safety net. Called on a storage thread:
 * implementations must return quickly and never throw.
 */
public interface StorageListener {
  /** Jobs became claimable in {@code queue} (created, promoted, unblocked, requeued). */
  default void jobsAvailable(String queue) {}

  /**
   * The lease of {@code jobId}, held by {@code serverId}, was revoked (the job was deleted,
   * requeued or rescued by someone else). The owning server must be told within one second.
   */
  default void leaseRevoked(String serverId, JobId jobId) {}
}
