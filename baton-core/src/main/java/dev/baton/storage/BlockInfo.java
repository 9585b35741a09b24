package dev.baton.storage;

import dev.baton.concurrency.Permit;
import dev.baton.job.JobId;
import java.time.Instant;
import java.util.List;

/**
 * Why a BLOCKED job waits: "waiting for mutex video:42, held by job 913, 3rd in line".
 *
 * @param permit the busy permit it is parked behind
 * @param holders the jobs holding that key now (empty for a rate limit whose window is full)
 * @param position 1-based place in the key's waiter line
 * @param since when it was parked
 * @param wakeAt for a rate limit, when the window frees; else null
 */
public record BlockInfo(
    Permit permit, List<JobId> holders, int position, Instant since, Instant wakeAt) {
  public BlockInfo {
    holders = List.copyOf(holders);
  }
}
