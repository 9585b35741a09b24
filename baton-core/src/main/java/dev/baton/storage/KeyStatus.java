package dev.baton.storage;

import dev.baton.concurrency.Permit;
import dev.baton.job.JobId;
import java.util.List;

/**
 * The state of one concurrency key.
 *
 * @param holders jobs holding a semaphore permit (empty for a rate limit)
 * @param used starts counted in the current rate window, or holders.size() for a semaphore
 * @param waiters parked jobs in line order
 */
public record KeyStatus(Permit permit, List<JobId> holders, int used, List<JobId> waiters) {
  public KeyStatus {
    holders = List.copyOf(holders);
    waiters = List.copyOf(waiters);
  }
}
