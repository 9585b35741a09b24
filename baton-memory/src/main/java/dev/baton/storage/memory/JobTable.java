package dev.baton.storage.memory;

import dev.baton.concurrency.Permit;
import dev.baton.job.JobId;
import dev.baton.state.ExceptionInfo;
import dev.baton.state.JobState;
import dev.baton.storage.BlockInfo;
import dev.baton.storage.JobQuery;
import dev.baton.storage.JobRecord;
import dev.baton.storage.Lease;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.Page;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The jobs and their indexes (queues, run times, expiries, leases by server, counts). Every state
 * change goes through {@link #move}, which keeps the indexes true; the transitions themselves live
 * in {@link Transitions}. Not thread-safe: used under the storage lock.
 */
final class JobTable {
  final Map<JobId, JobEntry> jobs = new HashMap<>();
  final StateCounts counts = new StateCounts();
  final ConcurrencyKeys keys = new ConcurrencyKeys();
  final UniqueKeys uniques = new UniqueKeys();
  final Offers offers = new Offers();
  final PreviousRuns previousRuns = new PreviousRuns();
  private final Map<String, TreeMap<Long, JobId>> queues = new HashMap<>();
  final TreeSet<Due> scheduled = new TreeSet<>();
  final TreeSet<Due> expiring = new TreeSet<>();

  /** Every job by state, newest state change first, for the dashboard's bounded scans. */
  final Listing listing = new Listing();

  /** Every job's continuations (in any state) by parent, in creation order. */
  private final Map<JobId, List<JobId>> children = new HashMap<>();

  /** BLOCKED jobs with a max wait, by the time they give up. */
  final TreeSet<Due> waitDeadlines = new TreeSet<>();

  private final Map<String, Set<JobId>> leases = new HashMap<>();
  private final Outbox outbox;
  private long seq;

  JobTable(Outbox outbox) {
    this.outbox = outbox;
  }

  long nextSeq() {
    return ++seq;
  }

  JobEntry get(JobId id) {
    return jobs.get(id);
  }

  void add(JobEntry job) {
    jobs.put(job.id(), job);
    JobId parent = job.spec.parent();
    if (parent != null) {
      children.computeIfAbsent(parent, k -> new ArrayList<>(2)).add(job.id());
    }
  }

  /** The continuations of {@code parent}, oldest first, at most {@code limit}. */
  List<JobId> children(JobId parent, int limit) {
    List<JobId> ids = children.getOrDefault(parent, List.of());
    return List.copyOf(ids.subList(0, Math.min(limit, ids.size())));
  }

  /** Moves {@code job} to {@code to}, recording the history entry and updating every index. */
  void move(
      JobEntry job,
      JobState to,
      Instant now,
      String serverId,
      String worker,
      String reason,
      ExceptionInfo error) {
    JobState from = job.state;
    if (from != null) {
      switch (from) {
        case ENQUEUED -> queue(job.queue()).remove(job.order);
        case SCHEDULED -> scheduled.remove(new Due(job.runAt, job.seq, job.id()));
        case PROCESSING -> {
          Set<JobId> owned = leases.get(job.owner);
          if (owned != null && owned.remove(job.id()) && owned.isEmpty()) {
            leases.remove(job.owner);
          }
          if (to != JobState.PROCESSING) {
            job.owner = null;
          }
        }
        case BLOCKED -> {
          Instant deadline = job.waitDeadline();
          if (deadline != null) {
            waitDeadlines.remove(new Due(deadline, job.seq, job.id()));
          }
          job.clearBlock();
        }
        default -> {}
      }
    }
    expireAt(job, null);
    counts.move(job.queue(), from, to);
    listing.remove(job);
    job.state = to;
    job.stateAt = now;
    job.stateSeq = nextSeq();
    listing.add(job);
    job.record(to, now, serverId, worker, reason, error);
    switch (to) {
      case ENQUEUED -> {
        queue(job.queue()).put(job.order, job.id());
        outbox.jobsAvailable(job.queue());
      }
      case SCHEDULED -> scheduled.add(new Due(job.runAt, job.seq, job.id()));
      case PROCESSING ->
          leases.computeIfAbsent(job.owner, k -> new LinkedHashSet<>()).add(job.id());
      default -> {}
    }
  }

  /**
   * Leases {@code job} (ENQUEUED, or new and ENQUEUED only in its history) to {@code serverId}:
   * permits taken, fencing token bumped, PROCESSING. The admission check is the caller's.
   */
  LeasedJob lease(JobEntry job, String serverId, Instant now) {
    keys.take(job, now);
    job.token++;
    job.owner = serverId;
    job.blockedClaims = 0;
    job.progress = 0;
    move(job, JobState.PROCESSING, now, serverId, null, "leased to " + serverId, null);
    uniques.releaseAtStart(job.spec.unique(), job.id());
    return leased(job);
  }

  /** What the server that holds {@code job}'s lease needs to run it. */
  LeasedJob leased(JobEntry job) {
    return new LeasedJob(
        new Lease(job.id(), job.owner, job.token), job.spec, job.attempt, job.createdAt);
  }

  /** Parks {@code job} (already BLOCKED) behind {@code busy}, with its give-up time if any. */
  void park(JobEntry job, Permit busy, Instant now) {
    keys.park(job, busy, now);
    Instant deadline = job.waitDeadline();
    if (deadline != null) {
      waitDeadlines.add(new Due(deadline, job.seq, job.id()));
    }
  }

  void expireAt(JobEntry job, Instant at) {
    if (job.expireAt != null) {
      expiring.remove(new Due(job.expireAt, job.seq, job.id()));
    }
    job.expireAt = at;
    if (at != null) {
      expiring.add(new Due(at, job.seq, job.id()));
    }
  }

  /** Removes a job and everything about it (purge). */
  void remove(JobEntry job) {
    expireAt(job, null);
    if (job.state == JobState.SCHEDULED) {
      scheduled.remove(new Due(job.runAt, job.seq, job.id()));
    }
    counts.move(job.queue(), job.state, null);
    listing.remove(job);
    jobs.remove(job.id());
    JobId parent = job.spec.parent();
    List<JobId> siblings = parent == null ? null : children.get(parent);
    if (siblings != null && siblings.remove(job.id()) && siblings.isEmpty()) {
      children.remove(parent);
    }
  }

  /** The queue's ENQUEUED jobs by position (live view; may be changed while walked). */
  TreeMap<Long, JobId> queue(String name) {
    return queues.computeIfAbsent(name, k -> new TreeMap<>());
  }

  TreeMap<Long, JobId> queueIfPresent(String name) {
    return queues.get(name);
  }

  List<JobId> leasedTo(String serverId) {
    Set<JobId> owned = leases.get(serverId);
    return owned == null ? List.of() : List.copyOf(owned);
  }

  int runningOn(String serverId) {
    Set<JobId> owned = leases.get(serverId);
    return owned == null ? 0 : owned.size();
  }

  JobRecord record(JobEntry job, boolean full) {
    return record(job, full, full);
  }

  JobRecord record(JobEntry job, boolean withHistory, boolean withLogs) {
    BlockInfo blocked = null;
    if (job.waitsForPreviousRun()) {
      blocked = BlockInfo.previousRun(job.previousRun, job.blockedSince);
    } else if (job.state == JobState.BLOCKED && job.blockedOn != null) {
      Permit p = job.blockedOn;
      blocked =
          new BlockInfo(
              p, keys.holders(p), keys.position(p, job.id()), job.blockedSince, job.wakeAt);
    }
    return job.toRecord(blocked, withHistory, withLogs);
  }

  Page<JobRecord> find(JobQuery q) {
    List<JobEntry> hits = new ArrayList<>();
    for (JobEntry j : jobs.values()) {
      if ((q.state() == null || j.state == q.state())
          && (q.queue() == null || j.queue().equals(q.queue()))
          && (q.type() == null || j.spec.type().equals(q.type()))) {
        hits.add(j);
      }
    }
    hits.sort(Comparator.comparingLong((JobEntry j) -> j.stateSeq).reversed());
    List<JobRecord> page = new ArrayList<>();
    for (int i = q.offset(); i < hits.size() && page.size() < q.limit(); i++) {
      page.add(record(hits.get(i), false));
    }
    return new Page<>(page, hits.size());
  }
}
