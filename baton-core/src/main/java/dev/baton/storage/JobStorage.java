package dev.baton.storage;

import dev.baton.job.JobId;
import dev.baton.state.JobState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The storage SPI: every method is one named state transition (or one read) performed as ONE atomic
 * step — one SQL transaction, one Lua script, one lock in memory. "Atomic" below means no other
 * operation observes a half-done step, and a crash leaves either all of it or none.
 *
 * <p>Time: every timestamp a storage writes comes from its own clock ({@link #now()}), never from
 * the caller's JVM, so servers with skewed clocks agree on leases and schedules.
 *
 * <p><b>A run outlives its state.</b> When {@link #delete} or {@link #requeue} takes a job out of
 * PROCESSING while its owner is registered, the run it revokes may still be inside its handler (it
 * is told to stop, and stops when its code next looks). That run becomes the job's <em>previous
 * run</em> (its lease: owner and fencing token), which the storage keeps until it has ended, that
 * is until the first of:
 *
 * <ul>
 *   <li>a {@link #finish} (or {@link #finishAll} element) under that lease: refused as always, it
 *       still says that the handler returned;
 *   <li>two heartbeats of the owner in a row that do not list the lease (the owner no longer runs
 *       it, and a finish went missing);
 *   <li>the owner's {@link #deregister deregistration}, or its rescue as dead.
 * </ul>
 *
 * <p>Until then the permits the run holds stay taken under the job's id (no waiter is woken), and a
 * requeued job waits BLOCKED behind its own previous run instead of entering ENQUEUED, so no two
 * runs of one job, nor of one key, overlap. When the previous run ends, in the same atomic step,
 * its permits are released (waking waiters) and a job still waiting for it enters ENQUEUED at the
 * tail of its queue (listeners hear {@code jobsAvailable}). A delete or requeue of a job that waits
 * for its previous run leaves that wait in place. A job whose owner is not registered has no
 * previous run: its permits are released at once. The cost: a handler that ignores its cancellation
 * delays its own requeue, and holds its keys, until it returns.
 *
 * <p>The contract is executable: {@code baton-storage-tck} holds the suites every implementation
 * must pass. Read-only queries for dashboards live in {@link JobMonitor}; locks for user code in
 * {@link LockStorage}.
 */
public interface JobStorage extends AutoCloseable {

  /** The storage's clock. */
  Instant now();

  // ---------------------------------------------------------------- creation and client moves

  /**
   * Creates jobs, all in one atomic step (all or none, except duplicates, which are results). For
   * each: if its id exists, or its uniqueness key is held (and not expired), the result is a
   * duplicate naming the existing job and nothing is written for it. Otherwise the job enters
   * AWAITING (it has a parent that has not yet met its condition; if the parent already has, it
   * enters ENQUEUED or SCHEDULED directly; if the parent is DELETED and the condition is {@code
   * ON_SUCCESS}, DELETED), SCHEDULED (run time in the future) or ENQUEUED, with a history entry
   * carrying {@code reason}, and its uniqueness key is taken. A parent may be created in the same
   * batch, before its continuation. An unknown parent is an {@link IllegalArgumentException}.
   * Listeners hear {@code jobsAvailable} for every queue that got an ENQUEUED job. A job may
   * instead be handed over to an idle server that left an offer (see {@link #claimOrOffer}).
   */
  List<CreateResult> create(List<NewJob> jobs);

  /** The job with its full history and log lines, or empty if unknown (or purged). */
  Optional<JobRecord> find(JobId id);

  /**
   * Moves a job from any state but DELETED to DELETED, atomically with: releasing its permits
   * (unless a previous run keeps them: see the class comment) and uniqueness key, dropping it from
   * any waiter line, revoking its lease (listeners hear {@code leaseRevoked}), setting its expiry
   * to now + {@code retention}, and deciding its continuations (ON_ANY_FINAL ones become ready;
   * ON_SUCCESS ones are deleted too).
   *
   * @return the state it left, or empty if the job is unknown or already DELETED
   */
  default Optional<JobState> delete(JobId id, String reason, Duration retention) {
    return delete(id, reason, retention, DELETABLE);
  }

  /**
   * As {@link #delete(JobId, String, Duration)}, but only if the job is, at the moment of the
   * delete, in one of the states {@code from}: the check and the move are one atomic step, so a job
   * found FAILED by a search and requeued by someone else before the delete is left alone.
   *
   * @return the state it left, or empty if the job is unknown, DELETED or in a state not in {@code
   *     from}
   */
  Optional<JobState> delete(JobId id, String reason, Duration retention, Set<JobState> from);

  /** Every state a job can be deleted from: all but DELETED. */
  Set<JobState> DELETABLE =
      Collections.unmodifiableSet(EnumSet.complementOf(EnumSet.of(JobState.DELETED)));

  /**
   * Moves a job from any state but ENQUEUED to ENQUEUED at the tail of its queue, with its attempt
   * counter reset to 1, atomically with: releasing its permits, dropping it from any waiter line,
   * revoking its lease (listeners hear {@code leaseRevoked}), clearing its expiry. Its uniqueness
   * key is kept (or taken again if it was released and is free). A job PROCESSING under a
   * registered owner, or already waiting for its previous run, enters BLOCKED instead, waiting for
   * that run to end (its {@link BlockInfo#previousRun()} names the lease), and keeps its permits
   * until then: see the class comment.
   *
   * @return the state it left, or empty if the job is unknown or already ENQUEUED
   */
  Optional<JobState> requeue(JobId id, String reason);

  // ---------------------------------------------------------------- the server's side

  /**
   * Leases up to {@code max} ENQUEUED jobs to {@code serverId}, taking queues in the given order
   * and each queue in FIFO order. For each candidate, in the same atomic step, the admission check:
   * every permit of its {@link dev.baton.concurrency.Concurrency} must be free (a semaphore with
   * fewer holders than its limit and no earlier waiter; a rate window with fewer starts than its
   * limit). If all are free they are all taken, the job moves to PROCESSING with owner {@code
   * serverId}, its fencing token is incremented and returned in the lease, and a UNTIL_START
   * uniqueness key is released. If any is busy, none is taken and, per its wait policy, the job is
   * parked as BLOCKED at the end of the busy key's waiter line (rate limits: with a wake-up time
   * when the window frees), or moved to SCHEDULED/DELETED (reschedule policy); the claim goes on
   * with the next candidate, so jobs on free keys are not held up. Returns what it leased, possibly
   * fewer than {@code max}.
   *
   * <p><b>Proof of life.</b> In the same atomic step, if {@code serverId} is registered, its last
   * heartbeat becomes now (storage clock), as a {@link #heartbeat} would make it: a server busy
   * claiming is alive even if its heartbeat thread is starved. A server that is not registered
   * (declared dead) is not registered by this; its next heartbeat tells it. The server counts a
   * claim that returned as proof of life from its send time on.
   */
  List<LeasedJob> claim(String serverId, List<String> queues, int max);

  // ---------------------------------------------------------------- hand-over to idle servers

  /**
   * Whether this storage hands new jobs straight to idle servers ({@link #claimOrOffer}). Only
   * storages that push can: a hand-over is delivered by {@link StorageListener#jobHandedOver}. The
   * default is false, and then {@link #claimOrOffer} is {@link #claim}.
   */
  default boolean handsOver() {
    return false;
  }

  /**
   * A claim for a server that will idle if it finds too little, so that the next job created for it
   * needs no claim round trip. In one atomic step:
   *
   * <ol>
   *   <li>takes back the offer {@code serverId} left before, if any (jobs already handed over under
   *       it stay handed over);
   *   <li>claims exactly as {@link #claim claim(serverId, queues, max)};
   *   <li>if that leased fewer than {@code max} jobs, leaves an <em>offer</em> of the missing
   *       {@code max - leased} slots for {@code queues}. {@code max = 0} only takes the offer back.
   * </ol>
   *
   * <p>An offer stands until {@code serverId} calls this method again, is deregistered or rescued
   * as dead, or {@code ttl} passes (storage clock). While it stands, {@link #create} (including
   * {@link #fireRecurring}) hands over each job it creates that
   *
   * <ul>
   *   <li>enters ENQUEUED in one of the offer's queues,
   *   <li>is plain: no concurrency permits, no uniqueness key, no parent, and
   *   <li>finds no other ENQUEUED job in its queue (a hand-over never overtakes a waiting job),
   * </ul>
   *
   * <p>using one slot of the offer: in the same atomic step as its creation, the job is leased to
   * the offering server exactly as {@link #claim} would lease it (PROCESSING, owner, fencing token
   * incremented, history entry; its {@link CreateResult} says PROCESSING), and listeners hear
   * {@link StorageListener#jobHandedOver} with the lease instead of {@code jobsAvailable}. An offer
   * with no slot left is gone. With several offers, which one is used is the storage's choice. A
   * storage may decline any hand-over (the job then enters ENQUEUED as usual); it never hands over
   * a job that is not plain, nor more jobs than the offer has slots.
   *
   * <p>The server must keep the offered slots free for hand-overs until its next call.
   *
   * @return what the claim leased (never the jobs handed over, which arrive by push)
   */
  default List<LeasedJob> claimOrOffer(
      String serverId, List<String> queues, int max, Duration ttl) {
    return claim(serverId, queues, max);
  }

  /**
   * Every job PROCESSING under a lease of {@code serverId}, claimed or handed over, in no
   * particular order: how a server finds hand-overs whose push it may have missed (after {@link
   * StorageListener#pushResumed}), and jobs a claim leased whose answer never reached it (after a
   * failed claim). A read; changes nothing. A storage without it leaves such jobs PROCESSING until
   * the server deregisters or is declared dead.
   */
  default List<LeasedJob> leasedTo(String serverId) {
    throw new UnsupportedOperationException("this storage does not hand over jobs");
  }

  /**
   * Leaves PROCESSING as {@code outcome} says, only if the job is PROCESSING under exactly this
   * lease (owner and fencing token); otherwise changes nothing and returns false. Atomically with
   * the move: permits released per the release policy (a woken waiter becomes ENQUEUED at its
   * position and listeners hear {@code jobsAvailable}); uniqueness key released if the target is
   * final; continuations decided if the target is final; expiry set for SUCCEEDED and DELETED. A
   * {@link RunOutcome.Released} job goes back to ENQUEUED ahead of every job enqueued after it, its
   * attempt unchanged.
   *
   * <p><b>Proof of life.</b> In the same atomic step, if the lease's server is registered, its last
   * heartbeat becomes now, as for {@link #claim}. The server counts an applied finish as proof of
   * life from its send time on (a refused one says nothing about its registration).
   *
   * @param worker the worker that ran the job, for the history; may be null
   */
  boolean finish(Lease lease, String worker, RunOutcome outcome);

  /**
   * Applies many completions, each exactly as {@link #finish} would: fenced individually (owner and
   * fencing token), with the same permit releases, uniqueness releases, continuations and expiry. A
   * refused lease changes nothing for its own job and does not affect the others; each lease's
   * server's liveness is renewed as by {@code finish}, in the step that applies it. Each element is
   * atomic; the whole batch need not be, so a crash may leave some applied and some not (each can
   * be retried: a retried, already applied completion is refused, as by {@code finish}).
   *
   * <p>The default loops over {@link #finish}; storages may apply the batch in one round trip. The
   * server calls this when its workers finish faster than one round trip per job.
   *
   * @return for each completion, in order, what {@code finish} would have returned
   */
  default List<Boolean> finishAll(List<Completion> completions) {
    List<Boolean> applied = new ArrayList<>(completions.size());
    for (Completion c : completions) {
      applied.add(finish(c.lease(), c.worker(), c.outcome()));
    }
    return applied;
  }

  /**
   * Records progress (0..100, or null to leave it) and appends log lines, only under a valid lease
   * (as {@link #finish}); returns false if the lease is no longer held.
   */
  boolean report(Lease lease, Integer progress, List<LogLine> lines);

  /**
   * Registers the server or refreshes its heartbeat at the storage's time, and answers which of the
   * leases listed in the beat it no longer holds.
   */
  HeartbeatResult heartbeat(ServerBeat beat);

  /**
   * Declares dead every server whose last heartbeat is older than {@code timeout} (storage clock)
   * and, atomically per server: removes it, moves each of its PROCESSING jobs to ENQUEUED at the
   * head of its queue without spending an attempt (history names {@code rescuerId} and the dead
   * server), releases their permits (waking waiters). Listeners hear {@code jobsAvailable}. Never
   * declares {@code rescuerId} itself dead: it is alive, since it asks. A rescued job that was
   * parked behind a key keeps its place in that key's line.
   */
  List<RescuedServer> rescueDeadServers(Duration timeout, String rescuerId);

  /**
   * Removes a server that is shutting down; any job it still owns is released as by {@link
   * RunOutcome.Released} in the same atomic step. Returns the jobs released.
   */
  List<JobId> deregister(String serverId, String reason);

  /**
   * The time-driven moves, up to {@code max} jobs: SCHEDULED jobs whose run time has come become
   * ENQUEUED; BLOCKED jobs whose wake-up time has come (rate windows) become ENQUEUED, at most as
   * many per key as the window allows; BLOCKED jobs parked longer than their wait policy's max wait
   * move to FAILED or DELETED with the reason. Each job moves atomically; the whole call need not
   * be one step. Returns how many jobs moved.
   */
  int promoteDue(int max);

  /**
   * Deletes up to {@code max} jobs (with history and logs) whose expiry has passed, and expired
   * uniqueness keys. Returns how many jobs were removed.
   */
  int purgeExpired(int max);

  // ---------------------------------------------------------------- recurring jobs

  /** Inserts or replaces a recurring job definition. */
  void saveRecurring(RecurringRecord recurring);

  /** Removes a recurring job; returns false if it did not exist. Jobs it created are untouched. */
  boolean removeRecurring(String id);

  /** All recurring jobs, ordered by id. */
  List<RecurringRecord> recurringJobs();

  /**
   * Fires one occurrence, once across all servers: if the recurring job exists, is not paused and
   * its next fire time is exactly {@code expectedNextFire}, atomically creates {@code jobs} (as
   * {@link #create}), sets next fire time to {@code newNextFire}, last fire time to {@code
   * expectedNextFire} and last job to the first created (or duplicate) job. Otherwise changes
   * nothing and returns empty: another server fired it first.
   */
  Optional<List<CreateResult>> fireRecurring(
      String id, Instant expectedNextFire, Instant newNextFire, List<NewJob> jobs);

  // ---------------------------------------------------------------- notifications

  /**
   * Subscribes to push notifications. The returned handle unsubscribes. A storage without a push
   * channel must emulate it (a poll on its own thread), so that revocations reach the owning server
   * within one second.
   */
  Subscription subscribe(StorageListener listener);

  /** Releases connections and threads. Idempotent. */
  @Override
  void close();

  /** A handle to stop receiving notifications. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
