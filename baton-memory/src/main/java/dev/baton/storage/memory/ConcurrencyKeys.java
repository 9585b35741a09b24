package dev.baton.storage.memory;

import dev.baton.concurrency.Permit;
import dev.baton.job.JobId;
import dev.baton.storage.KeyStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Admission state of every concurrency key. Waking is two-phase: a released slot is reserved for
 * the first waiter ("woken"), which becomes ENQUEUED and takes the slot at its next claim; jobs
 * that were never in line cannot barge past it.
 */
final class ConcurrencyKeys {
  private final Map<String, KeyLine> lines = new TreeMap<>();

  private static String id(Permit p) {
    return p.kind() + "|" + p.key();
  }

  private KeyLine line(Permit p) {
    return lines.computeIfAbsent(id(p), k -> new KeyLine(p));
  }

  private KeyLine existing(Permit p) {
    return lines.get(id(p));
  }

  /** The first permit of {@code job} that is busy for it now, or null if all are free. */
  Permit firstBusy(JobEntry job, Instant now) {
    for (Permit p : job.spec.concurrency().permits()) {
      KeyLine line = existing(p);
      if (line != null && !line.admits(job.id(), p.limit(), now)) {
        return p;
      }
    }
    return null;
  }

  /** Takes every permit of {@code job}; call only after {@link #firstBusy} returned null. */
  void take(JobEntry job, Instant now) {
    for (Permit p : job.spec.concurrency().permits()) {
      line(p).take(job.id(), now);
    }
  }

  /** Parks {@code job} at the end of the line of {@code busy} and records why it waits. */
  void park(JobEntry job, Permit busy, Instant now) {
    KeyLine line = line(busy);
    line.waiters.add(job.id());
    job.blockedOn = busy;
    job.blockedSince = now;
    job.wakeAt = busy.isRate() ? line.windowFreesAt(busy.limit(), now) : null;
  }

  /**
   * Takes {@code job} out of every line and reservation and, if {@code permitsToo}, gives back the
   * semaphore permits it holds. Returns the waiters that freed slots now let in.
   */
  List<JobId> leave(JobEntry job, boolean permitsToo, Instant now) {
    List<JobId> woken = new ArrayList<>();
    for (Permit p : job.spec.concurrency().permits()) {
      KeyLine line = existing(p);
      if (line == null) {
        continue;
      }
      line.waiters.remove(job.id());
      line.woken.remove(job.id());
      if (permitsToo) {
        line.holders.remove(job.id());
      }
      if (!p.isRate()) {
        line.wakeSemaphoreWaiters(p.limit(), woken);
      }
      dropIfIdle(line, now);
    }
    return woken;
  }

  /**
   * A rescued job's semaphore permits become reservations for its next run: it takes them back at
   * its next claim, ahead of the line, and no waiter is woken in its place (it would only find the
   * rescued job first in line again, or, worse, send it to the back).
   */
  void reserveForRescue(JobEntry job) {
    for (Permit p : job.spec.concurrency().permits()) {
      KeyLine line = existing(p);
      if (line != null && line.holders.remove(job.id())) {
        line.woken.add(job.id());
      }
    }
  }

  /** Rate-limit waiters whose window has room now, at most {@code max}, reserved and returned. */
  List<JobId> wakeRateWaiters(Instant now, int max) {
    List<JobId> woken = new ArrayList<>();
    for (KeyLine line : lines.values()) {
      if (line.permit.isRate() && woken.size() < max) {
        line.wakeRateWaiters(now, max - woken.size(), woken);
      }
    }
    return woken;
  }

  /** Forgets keys nobody holds or waits for and whose rate windows have emptied. */
  void dropIdle(Instant now) {
    lines.values().removeIf(line -> line.isIdle(now));
  }

  List<JobId> holders(Permit p) {
    KeyLine line = existing(p);
    return line == null ? List.of() : List.copyOf(line.holders);
  }

  /** 1-based place of {@code job} in the line of {@code p}, or 0. */
  int position(Permit p, JobId job) {
    KeyLine line = existing(p);
    return line == null ? 0 : line.position(job);
  }

  /** Who keeps {@code p} busy, for reasons: "job X", or the rate limit itself. */
  String blocker(Permit p) {
    if (p.isRate()) {
      return "rate limit " + p.key() + " (" + p.limit() + " per " + p.window() + ")";
    }
    KeyLine line = existing(p);
    JobId first = line == null ? null : line.firstInTheWay();
    return first == null ? "nobody" : "job " + first;
  }

  List<KeyStatus> statuses(Instant now) {
    List<KeyStatus> out = new ArrayList<>();
    for (KeyLine line : lines.values()) {
      int used = line.permit.isRate() ? line.used(now) : line.holders.size();
      if (used > 0 || !line.waiters.isEmpty() || !line.woken.isEmpty()) {
        List<JobId> waiting = new ArrayList<>(line.woken);
        waiting.addAll(line.waiters);
        out.add(new KeyStatus(line.permit, List.copyOf(line.holders), used, waiting));
      }
    }
    return out;
  }

  private void dropIfIdle(KeyLine line, Instant now) {
    if (line.isIdle(now)) {
      lines.remove(id(line.permit));
    }
  }
}
