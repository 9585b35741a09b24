package dev.baton.storage.memory;

import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.Completion;
import dev.baton.storage.CreateResult;
import dev.baton.storage.HeartbeatResult;
import dev.baton.storage.JobMonitor;
import dev.baton.storage.JobPage;
import dev.baton.storage.JobQuery;
import dev.baton.storage.JobRecord;
import dev.baton.storage.JobSearch;
import dev.baton.storage.JobStorage;
import dev.baton.storage.KeyStatus;
import dev.baton.storage.Lease;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.LockLease;
import dev.baton.storage.LockStorage;
import dev.baton.storage.LogLine;
import dev.baton.storage.LogPage;
import dev.baton.storage.MinuteStats;
import dev.baton.storage.NewJob;
import dev.baton.storage.Page;
import dev.baton.storage.QueueStats;
import dev.baton.storage.RecurringRecord;
import dev.baton.storage.RescuedServer;
import dev.baton.storage.RunOutcome;
import dev.baton.storage.ServerBeat;
import dev.baton.storage.ServerEvent;
import dev.baton.storage.ServerRecord;
import dev.baton.storage.StatsStorage;
import dev.baton.storage.StorageListener;
import dev.baton.storage.UniqueHold;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A storage in the JVM's memory, for tests and development; it can be shared by several servers and
 * clients of one JVM. Every SPI method runs whole under one lock, which is what makes it atomic.
 * Listeners are called after the lock is released, on the calling thread. It hands jobs over to
 * idle servers ({@link #claimOrOffer}): the reference for storages that do.
 *
 * <p>Time comes from the {@link Clock} given at construction, so tests can drive it.
 */
public final class InMemoryStorage
    implements JobStorage, LockStorage, JobMonitor, StatsStorage, dev.baton.storage.BatchStorage {
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Outbox outbox = new Outbox();
  private final JobTable table = new JobTable(outbox);
  private final Servers servers = new Servers();
  private final Transitions moves = new Transitions(table, outbox, servers::isRegistered);
  private final Admission admission = new Admission(table, moves);
  private final NamedLocks locks = new NamedLocks();
  private final MonitorQueries monitor = new MonitorQueries(table);
  private final StatsTables stats = new StatsTables();
  private final Map<String, RecurringRecord> recurring = new TreeMap<>();
  private final List<StorageListener> listeners = new CopyOnWriteArrayList<>();

  /** A storage on the system UTC clock. */
  public InMemoryStorage() {
    this(Clock.systemUTC());
  }

  /** A storage whose every timestamp comes from {@code clock}. */
  public InMemoryStorage(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public Instant now() {
    return clock.instant();
  }

  /** Runs {@code body} under the lock, then tells listeners what it changed. */
  private <T> T locked(Supplier<T> body) {
    Outbox events;
    T result;
    lock.lock();
    try {
      result = body.get();
    } finally {
      events = outbox.drain();
      lock.unlock();
    }
    events.deliver(listeners);
    return result;
  }

  // ---------------------------------------------------------------- JobStorage

  @Override
  public List<CreateResult> create(List<NewJob> jobs) {
    return locked(() -> moves.create(jobs, now()));
  }

  @Override
  public List<CreateResult> createBatch(dev.baton.storage.NewBatch batch) {
    return locked(() -> moves.createBatch(batch, now()));
  }

  @Override
  public Optional<dev.baton.storage.BatchRecord> batch(dev.baton.job.BatchId id) {
    return locked(() -> Optional.ofNullable(moves.batchRecord(id)));
  }

  @Override
  public Optional<JobRecord> find(JobId id) {
    return locked(() -> Optional.ofNullable(table.get(id)).map(j -> table.record(j, true)));
  }

  @Override
  public Optional<JobState> delete(
      JobId id, String reason, Duration retention, Set<JobState> from) {
    return locked(() -> moves.delete(id, reason, retention, from, now()));
  }

  @Override
  public Optional<JobState> requeue(JobId id, String reason) {
    return locked(() -> moves.requeue(id, reason, now()));
  }

  @Override
  public List<LeasedJob> claim(String serverId, List<String> queues, int max) {
    return locked(
        () -> {
          Instant now = now();
          servers.renew(serverId, now);
          return admission.claim(serverId, queues, max, now);
        });
  }

  @Override
  public boolean handsOver() {
    return true;
  }

  @Override
  public List<LeasedJob> claimOrOffer(String serverId, List<String> queues, int max, Duration ttl) {
    return locked(
        () -> {
          Instant now = now();
          servers.renew(serverId, now);
          table.offers.withdraw(serverId);
          List<LeasedJob> leased = admission.claim(serverId, queues, max, now);
          table.offers.offer(serverId, queues, max - leased.size(), now.plus(ttl));
          return leased;
        });
  }

  @Override
  public List<LeasedJob> leasedTo(String serverId) {
    return locked(
        () -> table.leasedTo(serverId).stream().map(id -> table.leased(table.get(id))).toList());
  }

  @Override
  public boolean finish(Lease lease, String worker, RunOutcome outcome) {
    return locked(
        () -> {
          Instant now = now();
          servers.renew(lease.serverId(), now);
          return moves.finish(lease, worker, outcome, now);
        });
  }

  /**
   * The whole batch under one lock acquisition; each completion is applied as by {@code finish}.
   */
  @Override
  public List<Boolean> finishAll(List<Completion> completions) {
    return locked(
        () -> {
          Instant now = now();
          List<Boolean> applied = new ArrayList<>(completions.size());
          String renewed = null;
          for (Completion c : completions) {
            String server = c.lease().serverId();
            if (!server.equals(renewed)) {
              servers.renew(server, now);
              renewed = server;
            }
            applied.add(moves.finish(c.lease(), c.worker(), c.outcome(), now));
          }
          return applied;
        });
  }

  @Override
  public boolean report(Lease lease, Integer progress, List<LogLine> lines) {
    return locked(() -> moves.report(lease, progress, lines));
  }

  @Override
  public HeartbeatResult heartbeat(ServerBeat beat) {
    return locked(
        () -> {
          Instant now = now();
          boolean known = servers.beat(beat, now);
          List<JobId> revoked = new ArrayList<>();
          Set<Lease> listed = new HashSet<>();
          for (Lease l : beat.running()) {
            Lease mine = new Lease(l.jobId(), beat.serverId(), l.token());
            listed.add(mine);
            if (moves.leased(mine) == null) {
              revoked.add(l.jobId());
            }
          }
          moves.previousRunsBeaten(beat.serverId(), listed, now);
          return new HeartbeatResult(now, known, revoked);
        });
  }

  @Override
  public List<RescuedServer> rescueDeadServers(Duration timeout, String rescuerId) {
    return locked(
        () -> {
          Instant now = now();
          List<RescuedServer> out = new ArrayList<>();
          for (ServerRecord dead : servers.removeSilent(timeout, now, rescuerId)) {
            table.offers.withdraw(dead.serverId());
            String reason =
                "server "
                    + dead.serverId()
                    + " declared dead by "
                    + rescuerId
                    + " (last heartbeat "
                    + dead.lastBeat()
                    + ")";
            List<JobId> jobs = table.leasedTo(dead.serverId());
            jobs.forEach(id -> moves.rescue(table.get(id), now, rescuerId, reason));
            moves.endPreviousRuns(dead.serverId(), now, reason);
            out.add(new RescuedServer(dead.serverId(), dead.lastBeat(), jobs));
          }
          return out;
        });
  }

  @Override
  public List<JobId> deregister(String serverId, String reason) {
    return locked(
        () -> {
          Instant now = now();
          servers.remove(serverId);
          table.offers.withdraw(serverId);
          List<JobId> jobs = table.leasedTo(serverId);
          jobs.forEach(id -> moves.release(table.get(id), now, serverId, null, reason));
          moves.endPreviousRuns(
              serverId, now, "server " + serverId + " deregistered (" + reason + ")");
          return jobs;
        });
  }

  @Override
  public int promoteDue(int max) {
    return locked(
        () -> {
          Instant now = now();
          int moved = moves.promoteScheduled(max, now);
          return moved + admission.promoteBlocked(max - moved, now);
        });
  }

  @Override
  public int purgeExpired(int max) {
    return locked(() -> moves.purgeExpired(max, now()));
  }

  // ---------------------------------------------------------------- recurring

  @Override
  public void saveRecurring(RecurringRecord record) {
    locked(() -> recurring.put(record.id(), record));
  }

  @Override
  public boolean removeRecurring(String id) {
    return locked(() -> recurring.remove(id) != null);
  }

  @Override
  public List<RecurringRecord> recurringJobs() {
    return locked(() -> List.copyOf(recurring.values()));
  }

  @Override
  public Optional<List<CreateResult>> fireRecurring(
      String id, Instant expectedNextFire, Instant newNextFire, List<NewJob> jobs) {
    return locked(
        () -> {
          RecurringRecord r = recurring.get(id);
          if (r == null || r.paused() || !r.nextFireAt().equals(expectedNextFire)) {
            return Optional.empty();
          }
          List<CreateResult> results = moves.create(jobs, now());
          JobId last = results.isEmpty() ? r.lastJobId() : results.get(0).id();
          recurring.put(
              id,
              new RecurringRecord(
                  id, r.definitionJson(), newNextFire, false, expectedNextFire, last));
          return Optional.of(results);
        });
  }

  // ---------------------------------------------------------------- notifications

  @Override
  public Subscription subscribe(StorageListener listener) {
    Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  @Override
  public void close() {
    listeners.clear();
  }

  // ---------------------------------------------------------------- LockStorage

  @Override
  public Optional<LockLease> tryLock(String name, String owner, Duration atMost) {
    return locked(() -> locks.tryLock(name, owner, atMost, now()));
  }

  @Override
  public Optional<LockLease> extendLock(String name, long token, Duration atMost) {
    return locked(() -> locks.extend(name, token, atMost, now()));
  }

  @Override
  public boolean unlock(String name, long token, Duration atLeast) {
    return locked(() -> locks.unlock(name, token, atLeast, now()));
  }

  // ---------------------------------------------------------------- JobMonitor

  @Override
  public Map<JobState, Long> countByState() {
    return locked(table.counts::byState);
  }

  @Override
  public Page<JobRecord> findJobs(JobQuery query) {
    return locked(() -> table.find(query));
  }

  @Override
  public JobPage searchJobs(JobSearch search) {
    Objects.requireNonNull(search, "search");
    return locked(() -> monitor.search(search));
  }

  @Override
  public Optional<JobRecord> job(JobId id) {
    return locked(() -> monitor.job(id));
  }

  @Override
  public LogPage logs(JobId id, long from, int limit) {
    return locked(() -> monitor.logs(id, from, limit));
  }

  @Override
  public List<JobRecord> continuations(JobId parent, int limit) {
    return locked(() -> monitor.continuations(parent, limit));
  }

  @Override
  public List<UniqueHold> uniqueKeys(int limit) {
    MonitorQueries.checkLimit(limit);
    return locked(() -> table.uniques.held(now(), limit));
  }

  @Override
  public List<ServerRecord> servers() {
    return locked(
        () -> {
          List<ServerRecord> out = new ArrayList<>();
          for (ServerRecord s : servers.all()) {
            out.add(
                new ServerRecord(
                    s.serverId(),
                    s.host(),
                    s.queues(),
                    s.workers(),
                    s.startedAt(),
                    s.lastBeat(),
                    table.runningOn(s.serverId())));
          }
          return out;
        });
  }

  @Override
  public List<QueueStats> queues() {
    return locked(table.counts::queues);
  }

  @Override
  public List<KeyStatus> concurrencyKeys() {
    return locked(() -> table.keys.statuses(now()));
  }

  @Override
  public List<LockLease> locks() {
    return locked(() -> locks.active(now()));
  }

  // ---------------------------------------------------------------- StatsStorage

  @Override
  public void addStats(List<MinuteStats> deltas) {
    List<MinuteStats> copy = List.copyOf(deltas);
    locked(
        () -> {
          stats.add(copy);
          return null;
        });
  }

  @Override
  public List<MinuteStats> stats(Instant from, Instant to) {
    return locked(() -> stats.read(from, to));
  }

  @Override
  public int pruneStats(Instant before) {
    return locked(() -> stats.prune(before));
  }

  @Override
  public void addServerEvent(ServerEvent event) {
    Objects.requireNonNull(event, "event");
    locked(
        () -> {
          stats.addEvent(event);
          return null;
        });
  }

  @Override
  public List<ServerEvent> serverEvents(int limit) {
    return locked(() -> stats.newestEvents(limit));
  }
}
