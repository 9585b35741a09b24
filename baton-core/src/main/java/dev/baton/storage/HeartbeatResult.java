package dev.baton.storage;

import dev.baton.job.JobId;
import java.time.Instant;
import java.util.List;

/**
 * The storage's answer to a heartbeat.
 *
 * @param storageTime the storage's clock at the beat
 * @param wasRegistered false when the server was unknown: first beat, or it had been declared dead
 *     (in which case its jobs were already requeued and appear in {@code revoked})
 * @param revoked jobs from the beat's running list whose lease this server no longer holds
 */
public record HeartbeatResult(Instant storageTime, boolean wasRegistered, List<JobId> revoked) {
  public HeartbeatResult {
    revoked = List.copyOf(revoked);
  }
}
