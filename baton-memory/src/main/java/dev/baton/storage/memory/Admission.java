package dev.baton.storage.memory;

import dev.baton.concurrency.Permit;
import dev.baton.concurrency.WaitPolicy;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.LeasedJob;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map.Entry;
import java.util.TreeMap;

/**
 * The claim with its admission check, and the time-driven moves of parked jobs (rate windows that
 * free up, waits that run out). Runs under the storage lock.
 */
final class Admission {
  private final JobTable table;
  private final Transitions moves;

  Admission(JobTable table, Transitions moves) {
    this.table = table;
    this.moves = moves;
  }

  List<LeasedJob> claim(String serverId, List<String> queues, int max, Instant now) {
    List<LeasedJob> out = new ArrayList<>();
    for (String name : queues) {
      TreeMap<Long, JobId> queue = table.queueIfPresent(name);
      Long cursor = null;
      while (queue != null && out.size() < max) {
        // walked by key, not by iterator: blocking a job may wake others into this very map
        Entry<Long, JobId> next = cursor == null ? queue.firstEntry() : queue.higherEntry(cursor);
        if (next == null) {
          break;
        }
        cursor = next.getKey();
        JobEntry job = table.get(next.getValue());
        Permit busy = table.keys.firstBusy(job, now);
        if (busy == null) {
          out.add(table.lease(job, serverId, now));
        } else {
          block(job, busy, now);
        }
      }
    }
    return out;
  }

  private void block(JobEntry job, Permit busy, Instant now) {
    String why = why(busy);
    moves.releasePermits(job, false, now); // a reservation elsewhere must not idle while it waits
    WaitPolicy policy = job.spec.concurrency().waitPolicy();
    if (policy.mode() == WaitPolicy.Mode.WAIT) {
      table.move(job, JobState.BLOCKED, now, null, null, "waiting for " + why, null);
      table.park(job, busy, now);
      return;
    }
    job.blockedClaims++;
    String by = "blocked by " + table.keys.blocker(busy);
    if (job.blockedClaims >= policy.maxAttempts()) {
      String reason = by + ", all attempts exhausted";
      moves.toFinal(
          job, JobState.DELETED, now, null, null, reason, null, Transitions.POLICY_RETENTION);
    } else {
      job.runAt = now.plus(policy.retryDelay());
      String reason =
          by + ", rescheduled (" + job.blockedClaims + " of " + policy.maxAttempts() + " attempts)";
      table.move(job, JobState.SCHEDULED, now, null, null, reason, null);
    }
  }

  /** "mutex video:42, held by job 913", or "rate limit api (10 per PT1S)". */
  private String why(Permit p) {
    return switch (p.kind()) {
      case SEMAPHORE ->
          (p.limit() == 1 ? "mutex " : "semaphore ")
              + p.key()
              + ", held by "
              + table.keys.blocker(p);
      case RATE_FIXED, RATE_SLIDING -> table.keys.blocker(p);
    };
  }

  /**
   * Wakes rate-limit waiters whose window has room and gives up on waits past their max wait, at
   * most {@code max} moves.
   */
  int promoteBlocked(int max, Instant now) {
    int moved = 0;
    for (JobId id : table.keys.wakeRateWaiters(now, max)) {
      moves.wake(id, now, "rate limit window has room");
      moved++;
    }
    while (moved < max
        && !table.waitDeadlines.isEmpty()
        && !table.waitDeadlines.first().at().isAfter(now)) {
      timeOut(table.get(table.waitDeadlines.first().id()), now);
      moved++;
    }
    table.keys.dropIdle(now);
    return moved;
  }

  private void timeOut(JobEntry job, Instant now) {
    WaitPolicy policy = job.spec.concurrency().waitPolicy();
    String reason = "waited longer than " + policy.maxWait() + " for " + why(job.blockedOn);
    if (policy.onTimeout() == WaitPolicy.TimeoutAction.FAIL) {
      moves.toFinal(job, JobState.FAILED, now, null, null, reason, null, null);
    } else {
      moves.toFinal(
          job, JobState.DELETED, now, null, null, reason, null, Transitions.POLICY_RETENTION);
    }
  }
}
