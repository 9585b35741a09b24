package dev.baton.storage;

import dev.baton.concurrency.Permit;
import dev.baton.job.JobId;
import java.time.Instant;
import java.util.List;

/**
 * Why a BLOCKED job waits: "waiting for mutex video:42, held by job 913, 3rd in line", or "waiting
 * for its previous run on server a-1 to end".
 *
 * @param permit the busy permit it is parked behind; null when it waits for its previous run
 * @param holders the jobs holding that key now (empty for a rate limit whose window is full); the
 *     job itself when it waits for its previous run
 * @param position 1-based place in the key's waiter line (1 when it waits for its previous run)
 * @param since when it was parked
 * @param wakeAt for a rate limit, when the window frees; else null
 * @param previousRun the lease of the job's own earlier run, still inside its handler on a live
 *     server, that a requeue revoked (see {@link JobStorage}, "a run outlives its state"); null
 *     when it waits for a permit
 */
public record BlockInfo(
    Permit permit,
    List<JobId> holders,
    int position,
    Instant since,
    Instant wakeAt,
    Lease previousRun) {
  public BlockInfo {
    holders = List.copyOf(holders);
    if ((permit == null) == (previousRun == null)) {
      throw new IllegalArgumentException("a job waits for a permit or for its previous run");
    }
  }

  /** A job parked behind a busy permit. */
  public BlockInfo(
      Permit permit, List<JobId> holders, int position, Instant since, Instant wakeAt) {
    this(permit, holders, position, since, wakeAt, null);
  }

  /** A requeued job waiting for its own earlier run to end. */
  public static BlockInfo previousRun(Lease run, Instant since) {
    return new BlockInfo(null, List.of(run.jobId()), 1, since, null, run);
  }

  /** Whether the job waits for its own earlier run rather than for a permit. */
  public boolean waitsForPreviousRun() {
    return previousRun != null;
  }
}
