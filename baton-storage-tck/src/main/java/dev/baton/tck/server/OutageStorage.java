package dev.baton.tck.server;

import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.CreateResult;
import dev.baton.storage.HeartbeatResult;
import dev.baton.storage.JobRecord;
import dev.baton.storage.JobStorage;
import dev.baton.storage.Lease;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.LogLine;
import dev.baton.storage.NewJob;
import dev.baton.storage.RecurringRecord;
import dev.baton.storage.RescuedServer;
import dev.baton.storage.RunOutcome;
import dev.baton.storage.ServerBeat;
import dev.baton.storage.StorageListener;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The storage under test, seen through a connection that can be cut: while {@link #down()} every
 * call fails as a lost connection would, and nothing reaches the real storage. Pushes keep flowing
 * (they are the storage's, not this connection's). Closing it does not close the real storage.
 */
final class OutageStorage implements JobStorage {
  private final JobStorage real;
  private final ReadWriteLock gate = new ReentrantReadWriteLock();
  private volatile boolean down;

  OutageStorage(JobStorage real) {
    this.real = real;
  }

  /**
   * Cuts the connection once the calls already on their way have returned: none of them changes the
   * storage after this (a claim that passed the check just before would otherwise lease a job
   * created during the outage).
   */
  void down() {
    gate.writeLock().lock();
    try {
      down = true;
    } finally {
      gate.writeLock().unlock();
    }
  }

  void up() {
    down = false;
  }

  private <T> T call(Supplier<T> op) {
    gate.readLock().lock();
    try {
      if (down) {
        throw new IllegalStateException("storage unreachable (simulated outage)");
      }
      return op.get();
    } finally {
      gate.readLock().unlock();
    }
  }

  @Override
  public Instant now() {
    return call(real::now);
  }

  @Override
  public List<CreateResult> create(List<NewJob> jobs) {
    return call(() -> real.create(jobs));
  }

  @Override
  public Optional<JobRecord> find(JobId id) {
    return call(() -> real.find(id));
  }

  @Override
  public Optional<JobState> delete(
      JobId id, String reason, Duration retention, Set<JobState> from) {
    return call(() -> real.delete(id, reason, retention, from));
  }

  @Override
  public Optional<JobState> requeue(JobId id, String reason) {
    return call(() -> real.requeue(id, reason));
  }

  @Override
  public List<LeasedJob> claim(String serverId, List<String> queues, int max) {
    return call(() -> real.claim(serverId, queues, max));
  }

  @Override
  public boolean handsOver() {
    return real.handsOver();
  }

  @Override
  public List<LeasedJob> claimOrOffer(String serverId, List<String> queues, int max, Duration ttl) {
    return call(() -> real.claimOrOffer(serverId, queues, max, ttl));
  }

  @Override
  public List<LeasedJob> leasedTo(String serverId) {
    return call(() -> real.leasedTo(serverId));
  }

  @Override
  public boolean finish(Lease lease, String worker, RunOutcome outcome) {
    return call(() -> real.finish(lease, worker, outcome));
  }

  @Override
  public boolean report(Lease lease, Integer progress, List<LogLine> lines) {
    return call(() -> real.report(lease, progress, lines));
  }

  @Override
  public HeartbeatResult heartbeat(ServerBeat beat) {
    return call(() -> real.heartbeat(beat));
  }

  @Override
  public List<RescuedServer> rescueDeadServers(Duration timeout, String rescuerId) {
    return call(() -> real.rescueDeadServers(timeout, rescuerId));
  }

  @Override
  public List<JobId> deregister(String serverId, String reason) {
    return call(() -> real.deregister(serverId, reason));
  }

  @Override
  public int promoteDue(int max) {
    return call(() -> real.promoteDue(max));
  }

  @Override
  public int purgeExpired(int max) {
    return call(() -> real.purgeExpired(max));
  }

  @Override
  public void saveRecurring(RecurringRecord recurring) {
    call(
        () -> {
          real.saveRecurring(recurring);
          return null;
        });
  }

  @Override
  public boolean removeRecurring(String id) {
    return call(() -> real.removeRecurring(id));
  }

  @Override
  public List<RecurringRecord> recurringJobs() {
    return call(real::recurringJobs);
  }

  @Override
  public Optional<List<CreateResult>> fireRecurring(
      String id, Instant expectedNextFire, Instant newNextFire, List<NewJob> jobs) {
    return call(() -> real.fireRecurring(id, expectedNextFire, newNextFire, jobs));
  }

  @Override
  public Subscription subscribe(StorageListener listener) {
    return real.subscribe(listener);
  }

  @Override
  public void close() {}
}
