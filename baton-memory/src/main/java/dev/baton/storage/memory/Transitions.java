package dev.baton.storage.memory;

import dev.baton.concurrency.ReleasePolicy;
import dev.baton.job.JobId;
import dev.baton.state.ExceptionInfo;
import dev.baton.state.JobState;
import dev.baton.storage.BatchRules;
import dev.baton.storage.ContinuationCondition;
import dev.baton.storage.CreateResult;
import dev.baton.storage.JobSpec;
import dev.baton.storage.Lease;
import dev.baton.storage.LogLine;
import dev.baton.storage.NewBatch;
import dev.baton.storage.NewJob;
import dev.baton.storage.RunOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The job transitions of the SPI, each run whole under the storage lock. Side effects that must be
 * atomic with a move (permits, waiters, uniqueness keys, continuations) happen here, in the same
 * call.
 */
final class Transitions {
  /** Retention of jobs deleted by the storage itself (wait policies, cascading continuations). */
  static final Duration POLICY_RETENTION = Duration.ofDays(1);

  /** How long the purge of an expired job waits while its previous run still holds its permits. */
  private static final Duration PREVIOUS_RUN_PURGE_DELAY = Duration.ofMinutes(1);

  private final JobTable table;
  private final Outbox outbox;
  private final Predicate<String> registered;

  /** Parent id to its AWAITING continuations, in creation order. */
  private final Map<JobId, List<JobId>> awaiting = new HashMap<>();

  final Batches batches = new Batches();

  Transitions(JobTable table, Outbox outbox, Predicate<String> registered) {
    this.table = table;
    this.outbox = outbox;
    this.registered = registered;
  }

  // ------------------------------------------------------------------ create

  List<CreateResult> create(List<NewJob> batch, Instant now) {
    Set<JobId> known = new HashSet<>();
    for (NewJob n : batch) {
      JobId parent = n.spec().parent();
      if (parent != null && !known.contains(parent) && table.get(parent) == null) {
        throw new IllegalArgumentException(
            "job " + n.spec().id() + " continues unknown job " + parent);
      }
      known.add(n.spec().id());
    }
    List<CreateResult> results = new ArrayList<>(batch.size());
    for (NewJob n : batch) {
      results.add(createOne(n, now));
    }
    return results;
  }

  /** A batch: every id checked first, so that a refusal writes nothing. */
  List<CreateResult> createBatch(NewBatch b, Instant now) {
    if (batches.get(b.id()) != null) {
      throw new IllegalArgumentException("batch " + b.id() + " exists already");
    }
    for (NewJob n : b.jobs()) {
      if (table.get(n.spec().id()) != null) {
        throw new IllegalArgumentException(
            "batch " + b.id() + ": job " + n.spec().id() + " exists already");
      }
    }
    NewJob cont = b.continuation();
    batches.add(
        new Batches.Entry(
            b.id(),
            b.members().size(),
            cont == null ? null : cont.spec().id(),
            b.continueOn(),
            now));
    List<CreateResult> results = new ArrayList<>(b.members().size() + 1);
    for (NewJob n : b.members()) {
      JobEntry job = newEntry(n, now);
      job.batch = b.id();
      ready(job, now, n.reason());
      results.add(CreateResult.created(job.id(), job.state));
    }
    if (cont != null) {
      JobEntry job = newEntry(cont, now);
      table.move(job, JobState.AWAITING, now, null, null, cont.reason(), null);
      results.add(CreateResult.created(job.id(), job.state));
    }
    return results;
  }

  private JobEntry newEntry(NewJob n, Instant now) {
    JobEntry job = new JobEntry(n.spec(), table.nextSeq(), now);
    job.runAt = n.runAt() != null ? n.runAt() : n.delay() != null ? now.plus(n.delay()) : now;
    table.add(job);
    return job;
  }

  /**
   * A member of a batch moved from {@code from}: its batch's counts follow, and the batch's
   * AWAITING continuation is decided, in the same step.
   */
  private void batchMoved(JobEntry job, JobState from, Instant now) {
    Batches.Entry b = job.batch == null ? null : batches.get(job.batch);
    if (b == null || !b.moved(from, job.state) || b.continuation == null) {
      return;
    }
    JobEntry cont = table.get(b.continuation);
    if (cont == null || cont.state != JobState.AWAITING) {
      return;
    }
    switch (BatchRules.decide(b.continueOn, b.total, b.succeeded, b.failed, b.deleted)) {
      case START -> ready(cont, now, BatchRules.started(b.id, b.succeeded, b.failed, b.deleted));
      case DELETE ->
          toFinal(
              cont,
              JobState.DELETED,
              now,
              null,
              null,
              BatchRules.deleted(b.id, job.id()),
              null,
              POLICY_RETENTION);
      case WAIT -> {}
    }
  }

  dev.baton.storage.BatchRecord batchRecord(dev.baton.job.BatchId id) {
    Batches.Entry b = batches.get(id);
    if (b == null) {
      return null;
    }
    JobEntry cont = b.continuation == null ? null : table.get(b.continuation);
    return b.record(cont == null ? null : cont.state);
  }

  private CreateResult createOne(NewJob n, Instant now) {
    JobEntry existing = table.get(n.spec().id());
    if (existing != null) {
      return CreateResult.duplicate(existing.id(), existing.state);
    }
    if (n.spec().unique() != null) {
      Optional<JobId> holder = table.uniques.holder(n.spec().unique().key(), now);
      if (holder.isPresent()) {
        JobEntry h = table.get(holder.get());
        return CreateResult.duplicate(holder.get(), h == null ? JobState.DELETED : h.state);
      }
    }
    JobEntry job = new JobEntry(n.spec(), table.nextSeq(), now);
    job.runAt = n.runAt() != null ? n.runAt() : n.delay() != null ? now.plus(n.delay()) : now;
    table.add(job);
    JobEntry parent = n.spec().parent() == null ? null : table.get(n.spec().parent());
    Decision d = parent == null ? Decision.READY : decide(parent, n.spec().continueOn());
    if (d != Decision.DELETE) {
      table.uniques.take(n.spec().unique(), job.id(), now);
    }
    switch (d) {
      case READY -> {
        if (!handOver(job, now, n.reason())) {
          ready(job, now, n.reason());
        }
      }
      case WAIT -> {
        awaiting.computeIfAbsent(parent.id(), k -> new ArrayList<>()).add(job.id());
        table.move(job, JobState.AWAITING, now, null, null, n.reason(), null);
      }
      case DELETE -> {
        table.move(job, JobState.DELETED, now, null, null, parentDeleted(parent), null);
        table.expireAt(job, now.plus(POLICY_RETENTION));
        continuationsOf(job, now, POLICY_RETENTION);
      }
    }
    return CreateResult.created(job.id(), job.state);
  }

  private enum Decision {
    READY,
    WAIT,
    DELETE
  }

  private static Decision decide(JobEntry parent, ContinuationCondition on) {
    JobState s = parent.state;
    if (s == JobState.SUCCEEDED || (on == ContinuationCondition.ON_ANY_FINAL && s.isFinal())) {
      return Decision.READY;
    }
    return s == JobState.DELETED ? Decision.DELETE : Decision.WAIT;
  }

  private static String parentDeleted(JobEntry parent) {
    return "parent job " + parent.id() + " was deleted";
  }

  /**
   * Leases a new, ready job to a server that offered its queue, if it is plain, due now and would
   * find its queue empty (a hand-over never overtakes a waiting job). Its history still shows it
   * enqueued first, as a claimed job's does; listeners hear the hand-over, not jobsAvailable.
   */
  private boolean handOver(JobEntry job, Instant now, String reason) {
    JobSpec spec = job.spec;
    boolean plain = spec.concurrency().isEmpty() && spec.unique() == null && spec.parent() == null;
    if (!plain || job.runAt.isAfter(now) || hasWaiting(job.queue())) {
      return false;
    }
    String serverId = table.offers.take(job.queue(), now);
    if (serverId == null) {
      return false;
    }
    job.order = table.nextSeq();
    job.record(JobState.ENQUEUED, now, null, null, reason, null);
    outbox.handedOver(table.lease(job, serverId, now));
    return true;
  }

  private boolean hasWaiting(String queue) {
    var jobs = table.queueIfPresent(queue);
    return jobs != null && !jobs.isEmpty();
  }

  /** ENQUEUED at the tail of its queue, or SCHEDULED if its run time is still ahead. */
  private void ready(JobEntry job, Instant now, String reason) {
    if (job.runAt != null && job.runAt.isAfter(now)) {
      table.move(job, JobState.SCHEDULED, now, null, null, reason, null);
    } else {
      job.order = table.nextSeq();
      table.move(job, JobState.ENQUEUED, now, null, null, reason, null);
    }
  }

  /**
   * Decides the AWAITING continuations of a job that just reached a final state; one deleted with
   * its parent expires with it ({@code retention}).
   */
  private void continuationsOf(JobEntry parent, Instant now, Duration retention) {
    List<JobId> children = awaiting.remove(parent.id());
    if (children == null) {
      return;
    }
    List<JobId> still = new ArrayList<>();
    for (JobId id : children) {
      JobEntry child = table.get(id);
      if (child == null || child.state != JobState.AWAITING) {
        continue;
      }
      switch (decide(parent, child.spec.continueOn())) {
        case READY -> ready(child, now, "parent job " + parent.id() + " is " + parent.state);
        case DELETE ->
            toFinal(
                child, JobState.DELETED, now, null, null, parentDeleted(parent), null, retention);
        case WAIT -> still.add(id);
      }
    }
    if (!still.isEmpty()) {
      awaiting.put(parent.id(), still);
    }
  }

  private void stopAwaiting(JobEntry job) {
    List<JobId> siblings = job.spec.parent() == null ? null : awaiting.get(job.spec.parent());
    if (siblings != null) {
      siblings.remove(job.id());
      if (siblings.isEmpty()) {
        awaiting.remove(job.spec.parent());
      }
    }
  }

  /**
   * Moves a job to SUCCEEDED, FAILED or DELETED with everything that goes with it: permits and
   * unique key released, continuations decided, expiry set when {@code retention} is given.
   */
  void toFinal(
      JobEntry job,
      JobState to,
      Instant now,
      String serverId,
      String worker,
      String reason,
      ExceptionInfo error,
      Duration retention) {
    JobState from = job.state;
    if (from == JobState.AWAITING) {
      stopAwaiting(job);
    }
    releasePermits(job, job.previousRun == null, now);
    table.move(job, to, now, serverId, worker, reason, error);
    table.uniques.release(job.spec.unique(), job.id());
    if (retention != null) {
      table.expireAt(job, now.plus(retention));
    }
    continuationsOf(job, now, retention == null ? POLICY_RETENTION : retention);
    batchMoved(job, from, now);
  }

  // ------------------------------------------------------------------ permits

  /** Leaves every waiter line; gives permits back if {@code permitsToo}; wakes who is next. */
  void releasePermits(JobEntry job, boolean permitsToo, Instant now) {
    if (job.spec.concurrency().isEmpty()) {
      return;
    }
    for (JobId next : table.keys.leave(job, permitsToo, now)) {
      wake(next, now, "permit freed by job " + job.id());
    }
  }

  void wake(JobId id, Instant now, String reason) {
    JobEntry next = table.get(id);
    if (next != null && next.state == JobState.BLOCKED && !next.waitsForPreviousRun()) {
      table.move(next, JobState.ENQUEUED, now, null, null, reason, null);
    }
  }

  private static boolean keepsPermitsWhenLeaving(JobEntry job) {
    return job.spec.concurrency().releasePolicy() == ReleasePolicy.ON_FINAL;
  }

  // ------------------------------------------------------------------ client moves

  Optional<JobState> delete(
      JobId id, String reason, Duration retention, Set<JobState> onlyFrom, Instant now) {
    JobEntry job = table.get(id);
    if (job == null || job.state == JobState.DELETED || !onlyFrom.contains(job.state)) {
      return Optional.empty();
    }
    JobState from = job.state;
    if (from == JobState.PROCESSING) {
      outbox.leaseRevoked(job.owner, id, job.token);
      keepPreviousRun(job);
    }
    toFinal(job, JobState.DELETED, now, null, null, reason, null, retention);
    return Optional.of(from);
  }

  Optional<JobState> requeue(JobId id, String reason, Instant now) {
    JobEntry job = table.get(id);
    if (job == null || job.state == JobState.ENQUEUED) {
      return Optional.empty();
    }
    JobState from = job.state;
    if (from == JobState.PROCESSING) {
      outbox.leaseRevoked(job.owner, id, job.token);
      keepPreviousRun(job);
    }
    if (from == JobState.AWAITING) {
      stopAwaiting(job);
    }
    releasePermits(job, job.previousRun == null, now);
    job.attempt = 1;
    job.blockedClaims = 0;
    job.order = table.nextSeq();
    table.uniques.take(job.spec.unique(), job.id(), now);
    if (job.previousRun == null) {
      table.move(job, JobState.ENQUEUED, now, null, null, reason, null);
    } else {
      Instant since = job.waitsForPreviousRun() ? job.blockedSince : now;
      table.move(job, JobState.BLOCKED, now, null, null, reason + "; " + waitText(job), null);
      job.blockedSince = since;
    }
    batchMoved(job, from, now);
    return Optional.of(from);
  }

  // ------------------------------------------------------------------ previous runs

  /**
   * If the revoked run's owner lives, the run may still be in its handler: it keeps the permits.
   */
  private void keepPreviousRun(JobEntry job) {
    if (registered.test(job.owner)) {
      job.previousRun = new Lease(job.id(), job.owner, job.token);
      job.previousRunMisses = 0;
      table.previousRuns.add(job.previousRun);
    }
  }

  private static String waitText(JobEntry job) {
    return "waits for its previous run (fencing token "
        + job.previousRun.token()
        + ") on server "
        + job.previousRun.serverId()
        + " to end";
  }

  /**
   * The previous run ended ({@code why}): its permits are released, waking waiters, and the job, if
   * it waits for that run, enters ENQUEUED at the tail of its queue (its place from the requeue).
   */
  void endPreviousRun(JobEntry job, Instant now, String why) {
    Lease run = job.previousRun;
    boolean waiting = job.waitsForPreviousRun();
    table.previousRuns.remove(run);
    job.previousRun = null;
    job.previousRunMisses = 0;
    releasePermits(job, true, now);
    if (waiting) {
      String reason =
          "its previous run (fencing token "
              + run.token()
              + ") on server "
              + run.serverId()
              + " ended: "
              + why;
      table.move(job, JobState.ENQUEUED, now, null, null, reason, null);
    }
  }

  /** Ends the previous run that {@code lease} names, if it is one: a refused finish. */
  void previousRunReturned(Lease lease, Instant now) {
    JobEntry job = table.get(lease.jobId());
    if (job != null && lease.equals(job.previousRun)) {
      endPreviousRun(job, now, "its handler returned");
    }
  }

  /** A heartbeat: previous runs of its server not listed in two beats in a row have ended. */
  void previousRunsBeaten(String serverId, Set<Lease> listed, Instant now) {
    for (JobId id : table.previousRuns.of(serverId)) {
      JobEntry job = table.get(id);
      if (listed.contains(job.previousRun)) {
        job.previousRunMisses = 0;
      } else if (++job.previousRunMisses >= 2) {
        endPreviousRun(job, now, "server " + serverId + " no longer runs it");
      }
    }
  }

  /** The server is gone (deregistered, declared dead): none of its previous runs runs on. */
  void endPreviousRuns(String serverId, Instant now, String why) {
    for (JobId id : table.previousRuns.of(serverId)) {
      endPreviousRun(table.get(id), now, why);
    }
  }

  // ------------------------------------------------------------------ the server's side

  JobEntry leased(Lease lease) {
    JobEntry job = table.get(lease.jobId());
    boolean valid =
        job != null
            && job.state == JobState.PROCESSING
            && lease.serverId().equals(job.owner)
            && job.token == lease.token();
    return valid ? job : null;
  }

  boolean finish(Lease lease, String worker, RunOutcome outcome, Instant now) {
    JobEntry job = leased(lease);
    if (job == null) {
      previousRunReturned(lease, now);
      return false;
    }
    String server = lease.serverId();
    if (outcome instanceof RunOutcome.Succeeded s) {
      toFinal(job, JobState.SUCCEEDED, now, server, worker, s.reason(), null, s.retention());
    } else if (outcome instanceof RunOutcome.Failed f) {
      toFinal(job, JobState.FAILED, now, server, worker, f.reason(), f.error(), null);
    } else if (outcome instanceof RunOutcome.Deleted d) {
      toFinal(job, JobState.DELETED, now, server, worker, d.reason(), null, d.retention());
    } else if (outcome instanceof RunOutcome.Retry r) {
      releasePermits(job, !keepsPermitsWhenLeaving(job), now);
      if (r.spendsAttempt()) {
        job.attempt++;
      }
      job.runAt = now.plus(r.delay());
      table.move(job, JobState.SCHEDULED, now, server, worker, r.reason(), r.error());
    } else {
      release(job, now, server, worker, outcome.reason());
    }
    return true;
  }

  /** Back to ENQUEUED at its old place, attempt unchanged (shutdown, deregistration). */
  void release(JobEntry job, Instant now, String serverId, String worker, String reason) {
    releasePermits(job, !keepsPermitsWhenLeaving(job), now);
    table.move(job, JobState.ENQUEUED, now, serverId, worker, reason, null);
  }

  /**
   * Back to ENQUEUED at its old place (dead owner). Its permits are released by the dead run and
   * reserved for its next one, so it keeps its place at the front of every key's line.
   */
  void rescue(JobEntry job, Instant now, String rescuerId, String reason) {
    outbox.leaseRevoked(job.owner, job.id(), job.token);
    table.keys.reserveForRescue(job);
    table.move(job, JobState.ENQUEUED, now, rescuerId, null, reason, null);
  }

  boolean report(Lease lease, Integer progress, List<LogLine> lines) {
    JobEntry job = leased(lease);
    if (job == null) {
      return false;
    }
    if (progress != null) {
      job.progress = Math.max(0, Math.min(100, progress));
    }
    job.appendLogs(lines);
    return true;
  }

  // ------------------------------------------------------------------ time-driven moves

  /** SCHEDULED jobs whose time has come to the tail of their queues, at most {@code max}. */
  int promoteScheduled(int max, Instant now) {
    int moved = 0;
    while (moved < max
        && !table.scheduled.isEmpty()
        && !table.scheduled.first().at().isAfter(now)) {
      JobEntry job = table.get(table.scheduled.first().id());
      job.order = table.nextSeq();
      table.move(job, JobState.ENQUEUED, now, null, null, "scheduled time reached", null);
      moved++;
    }
    return moved;
  }

  int purgeExpired(int max, Instant now) {
    int removed = 0;
    while (removed < max
        && !table.expiring.isEmpty()
        && !table.expiring.first().at().isAfter(now)) {
      JobEntry job = table.get(table.expiring.first().id());
      if (job.previousRun != null) { // its run still holds its permits: purge it once that ended
        table.expireAt(job, now.plus(PREVIOUS_RUN_PURGE_DELAY));
        continue;
      }
      awaiting.remove(job.id());
      table.remove(job);
      removed++;
    }
    table.uniques.purgeExpired(now);
    return removed;
  }
}
