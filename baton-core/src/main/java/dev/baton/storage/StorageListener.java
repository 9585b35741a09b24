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
   * The lease {@code revoked} was revoked (the job was deleted, requeued or rescued by someone
   * else). The owning server must be told within one second, and cancels the run of the job that
   * holds this lease, or an older one; a newer run of the same job (the job was claimed again
   * meanwhile, and the news came late) is left alone. By default calls {@link #leaseRevoked(String,
   * JobId)}.
   */
  default void leaseRevoked(Lease revoked) {
    leaseRevoked(revoked.serverId(), revoked.jobId());
  }

  /**
   * A revocation from a storage that cannot say which lease (fencing token) was revoked: the owning
   * server cancels whatever run of the job it has. Prefer {@link #leaseRevoked(Lease)}.
   */
  default void leaseRevoked(String serverId, JobId jobId) {}

  /**
   * A job was created straight into PROCESSING under {@code job.lease()}: handed over to the server
   * that left an offer ({@link JobStorage#claimOrOffer}). Every listener hears it; only the server
   * named in the lease runs it, at most once per lease (a push may come twice, or after {@link
   * JobStorage#leasedTo} returned the same lease).
   */
  default void jobHandedOver(LeasedJob job) {}

  /**
   * The push channel was down and is up again (a reconnect): news sent meanwhile is lost. Servers
   * claim at once and look for hand-overs they missed ({@link JobStorage#leasedTo}).
   */
  default void pushResumed() {}
}
