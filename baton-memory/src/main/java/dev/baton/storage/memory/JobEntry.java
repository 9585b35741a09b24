package dev.baton.storage.memory;

import dev.baton.concurrency.Permit;
import dev.baton.job.JobId;
import dev.baton.state.ExceptionInfo;
import dev.baton.state.JobState;
import dev.baton.state.StateEntry;
import dev.baton.storage.BlockInfo;
import dev.baton.storage.JobRecord;
import dev.baton.storage.JobSpec;
import dev.baton.storage.Lease;
import dev.baton.storage.LogLine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One job as the in-memory storage keeps it: mutable, touched only under the storage lock. */
final class JobEntry {
  final JobSpec spec;
  final long seq;
  final Instant createdAt;
  JobState state;
  Instant stateAt;
  long stateSeq;
  int attempt = 1;
  long token;
  String owner;

  /** The run time of a SCHEDULED job, or the planned one of an AWAITING continuation. */
  Instant runAt;

  Instant expireAt;
  int progress;

  /** Position in its queue; kept while leased or parked, so the job can go back to its place. */
  long order;

  /** Blocked claims under the RESCHEDULE wait policy since the job last started. */
  int blockedClaims;

  /**
   * The revoked run that may still be inside its handler on a live server (a delete or requeue
   * while it ran): it keeps the job's permits, and a requeued job waits BLOCKED for it, until it
   * ends. Null if none.
   */
  Lease previousRun;

  /** Heartbeats of the previous run's server in a row that did not list it. */
  int previousRunMisses;

  /** The batch this job is a member of, or null. */
  dev.baton.job.BatchId batch;

  Permit blockedOn;
  Instant blockedSince;
  Instant wakeAt;
  final List<StateEntry> history = new ArrayList<>(4);
  List<LogLine> logs = List.of();

  JobEntry(JobSpec spec, long seq, Instant createdAt) {
    this.spec = spec;
    this.seq = seq;
    this.createdAt = createdAt;
  }

  JobId id() {
    return spec.id();
  }

  String queue() {
    return spec.queue();
  }

  void record(
      JobState entered,
      Instant at,
      String serverId,
      String worker,
      String reason,
      ExceptionInfo error) {
    history.add(new StateEntry(entered, at, serverId, worker, reason, error));
  }

  void appendLogs(List<LogLine> lines) {
    if (lines == null || lines.isEmpty()) {
      return;
    }
    if (logs.isEmpty()) {
      logs = new ArrayList<>(lines.size());
    }
    logs.addAll(lines);
  }

  /** When a BLOCKED job stops waiting under its wait policy, or null if it waits forever. */
  Instant waitDeadline() {
    Duration maxWait = spec.concurrency().waitPolicy().maxWait();
    return blockedSince == null || maxWait == null ? null : blockedSince.plus(maxWait);
  }

  /** Whether the job is BLOCKED waiting for its own previous run rather than for a permit. */
  boolean waitsForPreviousRun() {
    return state == JobState.BLOCKED && previousRun != null && blockedOn == null;
  }

  void clearBlock() {
    blockedOn = null;
    blockedSince = null;
    wakeAt = null;
  }

  JobRecord toRecord(BlockInfo blocked, boolean full) {
    return toRecord(blocked, full, full);
  }

  JobRecord toRecord(BlockInfo blocked, boolean withHistory, boolean withLogs) {
    return new JobRecord(
        spec,
        state,
        attempt,
        token,
        owner,
        createdAt,
        stateAt,
        state == JobState.SCHEDULED ? runAt : null,
        expireAt,
        progress,
        blocked,
        withHistory ? history : List.of(),
        withLogs ? logs : List.of());
  }
}
