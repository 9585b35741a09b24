package dev.baton.storage.memory;

import dev.baton.concurrency.Permit;
import dev.baton.job.JobId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * One concurrency key: semaphore holders, the FIFO line of parked jobs, the woken jobs that have a
 * slot reserved, and for a rate limit the start times still inside the window.
 */
final class KeyLine {
  final Permit permit;
  final LinkedHashSet<JobId> holders = new LinkedHashSet<>();
  final LinkedHashSet<JobId> woken = new LinkedHashSet<>();
  final LinkedHashSet<JobId> waiters = new LinkedHashSet<>();
  private final ArrayDeque<Instant> starts = new ArrayDeque<>();

  KeyLine(Permit permit) {
    this.permit = permit;
  }

  /**
   * Whether {@code job} may take a permit now: a slot free after the reservations of others, and no
   * one in line before it (woken jobs were first in line).
   */
  boolean admits(JobId job, int limit, Instant now) {
    if (holders.contains(job)) {
      return true;
    }
    boolean reserved = woken.contains(job);
    int inUse = (permit.isRate() ? used(now) : holders.size()) + woken.size() - (reserved ? 1 : 0);
    return inUse < limit && (reserved || waiters.isEmpty());
  }

  void take(JobId job, Instant now) {
    woken.remove(job);
    if (permit.isRate()) {
      starts.addLast(now);
    } else {
      holders.add(job);
    }
  }

  void wakeSemaphoreWaiters(int limit, List<JobId> out) {
    Iterator<JobId> it = waiters.iterator();
    while (holders.size() + woken.size() < limit && it.hasNext()) {
      JobId next = it.next();
      it.remove();
      woken.add(next);
      out.add(next);
    }
  }

  void wakeRateWaiters(Instant now, int max, List<JobId> out) {
    Iterator<JobId> it = waiters.iterator();
    int room = permit.limit() - used(now) - woken.size();
    while (room > 0 && max > 0 && it.hasNext()) {
      JobId next = it.next();
      it.remove();
      woken.add(next);
      out.add(next);
      room--;
      max--;
    }
  }

  /** Starts counted against the rate limit now: this fixed window, or the sliding span. */
  int used(Instant now) {
    prune(now);
    Instant from = windowStart(now);
    int n = 0;
    for (Instant s : starts) {
      if (permit.kind() == Permit.Kind.RATE_FIXED ? !s.isBefore(from) : s.isAfter(from)) {
        n++;
      }
    }
    return n;
  }

  /** When the window will let another start in. */
  Instant windowFreesAt(int limit, Instant now) {
    prune(now);
    if (permit.kind() == Permit.Kind.RATE_FIXED) {
      return windowStart(now).plus(permit.window());
    }
    int used = used(now);
    int skip = Math.max(0, used - limit);
    Iterator<Instant> it = starts.iterator();
    Instant oldest = now;
    for (int i = 0; i <= skip && it.hasNext(); i++) {
      oldest = it.next();
    }
    return oldest.plus(permit.window());
  }

  int position(JobId job) {
    int i = 1;
    for (JobId w : waiters) {
      if (w.equals(job)) {
        return i;
      }
      i++;
    }
    return 0;
  }

  /** The job that stands in the way of newcomers: a holder, else a reserved or waiting job. */
  JobId firstInTheWay() {
    for (LinkedHashSet<JobId> set : List.of(holders, woken, waiters)) {
      if (!set.isEmpty()) {
        return set.iterator().next();
      }
    }
    return null;
  }

  boolean isIdle(Instant now) {
    prune(now);
    return holders.isEmpty() && woken.isEmpty() && waiters.isEmpty() && starts.isEmpty();
  }

  private Instant windowStart(Instant now) {
    Duration window = permit.window();
    if (permit.kind() == Permit.Kind.RATE_FIXED) {
      long ms = window.toMillis();
      long at = now.toEpochMilli();
      return Instant.ofEpochMilli(at - Math.floorMod(at, ms));
    }
    return now.minus(window);
  }

  private void prune(Instant now) {
    if (!permit.isRate()) {
      return;
    }
    Instant horizon = now.minus(permit.window());
    while (!starts.isEmpty() && !starts.peekFirst().isAfter(horizon)) {
      starts.removeFirst();
    }
  }
}
