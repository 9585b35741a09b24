package dev.baton.storage.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.baton.BatonException;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.CallTimeouts;
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
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQL storage: PostgreSQL (the primary one: {@code SKIP LOCKED} claims, LISTEN/NOTIFY wake-ups,
 * enqueue inside the application's own transaction) and H2 in file mode (the zero-setup default,
 * shared by the processes of one machine). Every SPI method is one transaction; every timestamp
 * comes from the database's clock.
 *
 * <pre>{@code
 * JdbcStorage pg = JdbcStorage.postgres("jdbc:postgresql://localhost/app").user("app").build();
 * JdbcStorage h2 = JdbcStorage.h2File().build(); // ./baton-data
 * }</pre>
 */
public final class JdbcStorage
    implements JobStorage,
        LockStorage,
        JobMonitor,
        StatsStorage,
        CallTimeouts,
        dev.baton.storage.BatchStorage {
  private static final Logger log = LoggerFactory.getLogger(JdbcStorage.class);

  private final Database db;
  private final HikariDataSource pool;
  private final FinishBatcher finisher;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * PostgreSQL: the last claim met candidates that need admission (permits), so the next one starts
   * in a transaction at once instead of trying the one-statement claim first.
   */
  private volatile boolean admitting;

  private final Duration longestCall;

  JdbcStorage(Database db, HikariDataSource pool, String description, Duration longestCall) {
    this.db = db;
    this.longestCall = longestCall;
    this.pool = pool;
    this.finisher = new FinishBatcher(db);
    log.info(
        "Baton {} ready (schema version {}, longest call {})",
        description,
        SchemaMigrator.LATEST,
        longestCall);
  }

  /**
   * The connection timeout plus the statement timeout (PostgreSQL with a URL: or the socket
   * timeout, if longer): how long one statement of a call may keep it waiting. See {@link
   * JdbcStorageBuilder#statementTimeout}.
   */
  @Override
  public Duration longestCall() {
    return longestCall;
  }

  /** For tests in this package: the transactions behind this storage. */
  Database database() {
    return db;
  }

  /** PostgreSQL at a JDBC URL, e.g. {@code jdbc:postgresql://localhost:5432/app}. */
  public static JdbcStorageBuilder postgres(String url) {
    if (url == null || !url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "a PostgreSQL URL starts with jdbc:postgresql:, got '" + url + "'");
    }
    return new JdbcStorageBuilder(Dialect.POSTGRES, url, null);
  }

  /**
   * PostgreSQL through a DataSource (ideally unpooled, e.g. PGSimpleDataSource: the storage pools
   * its connections with HikariCP and keeps one more for LISTEN).
   */
  public static JdbcStorageBuilder postgres(DataSource dataSource) {
    return new JdbcStorageBuilder(Dialect.POSTGRES, null, Objects.requireNonNull(dataSource));
  }

  /** H2 in file mode in {@code ./baton-data}, shareable by the processes of this machine. */
  public static JdbcStorageBuilder h2File() {
    return h2File(JdbcStorageBuilder.DEFAULT_H2_DIRECTORY);
  }

  /** H2 in file mode in {@code directory} (the database file is {@code baton.mv.db} there). */
  public static JdbcStorageBuilder h2File(Path directory) {
    return new JdbcStorageBuilder(Dialect.H2, JdbcStorageBuilder.h2Url(directory), null);
  }

  /** H2 at a JDBC URL of your own; it must include {@code MODE=PostgreSQL}. */
  public static JdbcStorageBuilder h2(String url) {
    if (url == null
        || !url.startsWith("jdbc:h2:")
        || !url.toUpperCase().contains("MODE=POSTGRESQL")) {
      throw new IllegalArgumentException(
          "an H2 URL for Baton starts with jdbc:h2: and includes MODE=PostgreSQL, got '"
              + url
              + "'");
    }
    return new JdbcStorageBuilder(Dialect.H2, url, null);
  }

  // ---------------------------------------------------------------- JobStorage

  @Override
  public Instant now() {
    return db.tx("now", Tx::now);
  }

  @Override
  public List<CreateResult> create(List<NewJob> jobs) {
    if (jobs.isEmpty()) {
      return List.of();
    }
    if (!(db.notifications instanceof PgNotifications pg) || !FastCreate.applies(jobs)) {
      return db.tx("create", tx -> CreateOp.create(tx, jobs));
    }
    Map<JobId, JobState> created =
        db.autocommit("create", tx -> FastCreate.create(tx, jobs, pg.jobsPayloadPrefix(), true));
    List<NewJob> rest = FastCreate.rest(jobs, created);
    return FastCreate.merge(
        jobs,
        created,
        rest.isEmpty() ? List.of() : db.tx("create", tx -> CreateOp.create(tx, rest)));
  }

  /**
   * Creates jobs inside the application's own transaction on {@code appConnection}: they exist only
   * if (and when) the application commits, and servers are woken after that commit. The connection
   * must reach this storage's database; its schema setting is restored afterwards.
   */
  public List<CreateResult> create(Connection appConnection, List<NewJob> jobs) {
    if (jobs.isEmpty()) {
      return List.of();
    }
    // No hand-over here: the offer row would stay locked until the application commits, and the
    // offering server's next claim would wait for that commit.
    return db.onConnection(
        appConnection, "create", tx -> FastCreate.createIn(tx, jobs, payloadPrefix(), false));
  }

  /** PostgreSQL: what a jobsAvailable payload starts with; null on H2 (no one-statement create). */
  private String payloadPrefix() {
    return db.notifications instanceof PgNotifications pg ? pg.jobsPayloadPrefix() : null;
  }

  /** Work an application does in one transaction of its own. */
  @FunctionalInterface
  public interface TransactionWork<T> {
    T run(Connection connection) throws SQLException;
  }

  /**
   * Runs {@code work} in one transaction on a connection from the application's {@code dataSource},
   * committing if it returns and rolling back if it throws. Inside, call {@link #create(Connection,
   * List)} with the given connection to enqueue jobs with the same commit.
   */
  public <T> T inTransaction(DataSource dataSource, TransactionWork<T> work) {
    try (Connection c = dataSource.getConnection()) {
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(auto);
      }
    } catch (SQLException e) {
      throw db.translate("transaction", e);
    }
  }

  @Override
  public List<CreateResult> createBatch(dev.baton.storage.NewBatch batch) {
    return db.tx("createBatch", tx -> BatchOps.create(tx, batch));
  }

  @Override
  public Optional<dev.baton.storage.BatchRecord> batch(dev.baton.job.BatchId id) {
    return db.tx("batch", tx -> BatchOps.read(tx, id));
  }

  @Override
  public Optional<JobRecord> find(JobId id) {
    return db.tx("find", tx -> JobOps.find(tx, id));
  }

  @Override
  public Optional<JobState> delete(
      JobId id, String reason, Duration retention, Set<JobState> from) {
    return db.tx("delete", tx -> JobOps.delete(tx, id, reason, retention, from));
  }

  @Override
  public Optional<JobState> requeue(JobId id, String reason) {
    return db.tx("requeue", tx -> JobOps.requeue(tx, id, reason));
  }

  @Override
  public List<LeasedJob> claim(String serverId, List<String> queues, int max) {
    if (max <= 0 || queues.isEmpty()) {
      return List.of();
    }
    return claim(serverId, queues, max, null);
  }

  /** PostgreSQL hands over: its creates push the lease on LISTEN/NOTIFY. H2 has no push. */
  @Override
  public boolean handsOver() {
    return db.dialect == Dialect.POSTGRES;
  }

  /**
   * As {@link #claim}, and the offer is written by the same statement: an idle server's claim stays
   * one round trip. When the claim goes on in a transaction (more queues, or admission), the first
   * statement has withdrawn the old offer and the transaction leaves the new one as it commits.
   */
  @Override
  public List<LeasedJob> claimOrOffer(String serverId, List<String> queues, int max, Duration ttl) {
    if (!handsOver()) {
      return claim(serverId, queues, max);
    }
    if (max <= 0 || queues.isEmpty()) {
      db.autocommit("claimOrOffer", tx -> OfferOps.withdraw(tx, serverId));
      return List.of();
    }
    return claim(serverId, queues, max, new OfferOps.Offer(serverId, queues, max, ttl));
  }

  @Override
  public List<LeasedJob> leasedTo(String serverId) {
    return db.tx("leasedTo", tx -> OfferOps.leasedTo(tx, serverId));
  }

  /** A claim, and with an {@code offer} (PostgreSQL only) a claimOrOffer. */
  private List<LeasedJob> claim(
      String serverId, List<String> queues, int max, OfferOps.Offer offer) {
    String op = offer == null ? "claim" : "claimOrOffer";
    boolean async = !db.durableClaims && db.dialect == Dialect.POSTGRES;
    if (db.dialect != Dialect.POSTGRES || admitting) {
      List<LeasedJob> claimed =
          db.tx(
              op,
              tx -> {
                if (offer != null) {
                  OfferOps.withdraw(tx, serverId);
                }
                List<LeasedJob> leased = ClaimOp.claim(tx, serverId, queues, max, async);
                admitting = tx.admissionRan;
                if (offer != null) {
                  OfferOps.offer(tx, offer, max - leased.size());
                }
                return leased;
              });
      // After the commit, in a statement of its own (see ServerOps.renewAlone).
      ServerOps.renewAlone(db, List.of(serverId));
      return claimed;
    }
    ClaimOp.Quick quick =
        db.autocommit(op, tx -> ClaimOp.quickClaim(tx, serverId, queues, max, async, offer));
    if (quick.rest().isEmpty()) {
      return quick.leased();
    }
    admitting = quick.admissionNeeded();
    int left = max - quick.leased().size();
    try {
      return quick.and(
          db.tx(
              op,
              tx -> {
                List<LeasedJob> more = ClaimOp.claim(tx, serverId, quick.rest(), left, async);
                if (offer != null) {
                  OfferOps.offer(tx, offer, left - more.size());
                }
                return more;
              }));
    } catch (BatonException e) {
      if (quick.leased().isEmpty()) {
        throw e;
      }
      // The quick statement's leases are committed: hand them out rather than strand them.
      log.warn(
          "claim: the rest of the claim failed; running the {} jobs leased",
          quick.leased().size(),
          e);
      return quick.leased();
    }
  }

  @Override
  public boolean finish(Lease lease, String worker, RunOutcome outcome) {
    return finisher.finish(lease, worker, outcome);
  }

  /** All in one transaction (rows locked with one query, written in one batch). */
  @Override
  public List<Boolean> finishAll(List<dev.baton.storage.Completion> completions) {
    if (completions.isEmpty()) {
      return List.of();
    }
    return finisher.applyAll(completions);
  }

  @Override
  public boolean report(Lease lease, Integer progress, List<LogLine> lines) {
    return db.tx("report", tx -> JobOps.report(tx, lease, progress, lines));
  }

  @Override
  public HeartbeatResult heartbeat(ServerBeat beat) {
    // In auto-commit: each statement commits at once, so the server row is never left locked by a
    // heartbeat whose server froze before its commit (the rescue skips locked server rows).
    record Beaten(HeartbeatResult result, boolean previousRuns) {}
    Beaten beaten =
        db.autocommit(
            "heartbeat",
            tx ->
                new Beaten(ServerOps.heartbeat(tx, beat), PreviousRunOps.any(tx, beat.serverId())));
    if (beaten.previousRuns()) {
      // Ending a previous run moves its job and frees its permits: one transaction of its own.
      db.tx("heartbeat", tx -> PreviousRunOps.beaten(tx, beat));
    }
    return beaten.result();
  }

  @Override
  public List<RescuedServer> rescueDeadServers(Duration timeout, String rescuerId) {
    List<String> silent =
        db.tx("rescueDeadServers", tx -> ServerOps.silentServers(tx, timeout, rescuerId));
    List<RescuedServer> rescued = new ArrayList<>();
    for (String serverId : silent) {
      RescuedServer r =
          db.tx("rescueDeadServers", tx -> ServerOps.rescue(tx, serverId, timeout, rescuerId));
      if (r != null) {
        rescued.add(r);
      }
    }
    return rescued;
  }

  @Override
  public List<JobId> deregister(String serverId, String reason) {
    return db.tx("deregister", tx -> ServerOps.deregister(tx, serverId, reason));
  }

  @Override
  public int promoteDue(int max) {
    int moved = db.tx("promoteDue", tx -> Housekeeping.promoteScheduled(tx, max));
    if (moved < max) {
      int left = max - moved;
      moved += db.tx("promoteDue", tx -> Housekeeping.wakeRateWaiters(tx, left));
    }
    if (moved < max) {
      int left = max - moved;
      moved += db.tx("promoteDue", tx -> Housekeeping.expireWaits(tx, left));
    }
    return moved;
  }

  @Override
  public int purgeExpired(int max) {
    int purged = 0;
    while (purged < max) {
      int batch = Math.min(Housekeeping.PURGE_BATCH, max - purged);
      int n = db.tx("purgeExpired", tx -> Housekeeping.purgeJobs(tx, batch));
      purged += n;
      if (n < batch) {
        break;
      }
    }
    db.tx(
        "purgeExpired",
        tx -> {
          Housekeeping.purgeKeys(tx);
          return null;
        });
    return purged;
  }

  @Override
  public void saveRecurring(RecurringRecord recurring) {
    db.tx(
        "saveRecurring",
        tx -> {
          RecurringOps.save(tx, recurring);
          return null;
        });
  }

  @Override
  public boolean removeRecurring(String id) {
    return db.tx("removeRecurring", tx -> RecurringOps.remove(tx, id));
  }

  @Override
  public List<RecurringRecord> recurringJobs() {
    return db.tx("recurringJobs", RecurringOps::all);
  }

  @Override
  public Optional<List<CreateResult>> fireRecurring(
      String id, Instant expectedNextFire, Instant newNextFire, List<NewJob> jobs) {
    return db.tx(
        "fireRecurring",
        tx -> RecurringOps.fire(tx, id, expectedNextFire, newNextFire, jobs, payloadPrefix()));
  }

  @Override
  public Subscription subscribe(StorageListener listener) {
    if (closed.get()) {
      throw new BatonException("storage is closed");
    }
    return db.notifications.subscribe(listener);
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      finisher.close();
      db.notifications.close();
      pool.close();
    }
  }

  // ---------------------------------------------------------------- LockStorage

  @Override
  public Optional<LockLease> tryLock(String name, String owner, Duration atMost) {
    return db.tx("tryLock", tx -> LockOps.tryLock(tx, name, owner, atMost));
  }

  @Override
  public Optional<LockLease> extendLock(String name, long token, Duration atMost) {
    return db.tx("extendLock", tx -> LockOps.extend(tx, name, token, atMost));
  }

  @Override
  public boolean unlock(String name, long token, Duration atLeast) {
    return db.tx("unlock", tx -> LockOps.unlock(tx, name, token, atLeast));
  }

  // ---------------------------------------------------------------- JobMonitor

  /**
   * {@inheritDoc}
   *
   * <p>H2 counts exactly. PostgreSQL counts each state exactly up to 100,000 jobs, reading at most
   * that many entries of the state's index; a state with more jobs is reported as PostgreSQL's
   * estimate (the planner's row estimate from the statistics of ANALYZE/autovacuum, never below
   * 100,001), so a dashboard that asks every second does not scan a table of a million finished
   * jobs.
   */
  @Override
  public Map<JobState, Long> countByState() {
    return db.tx("countByState", MonitorOps::counts);
  }

  @Override
  public Page<JobRecord> findJobs(JobQuery query) {
    return db.tx("findJobs", tx -> MonitorOps.jobs(tx, query));
  }

  @Override
  public JobPage searchJobs(JobSearch search) {
    return db.tx("searchJobs", tx -> SearchOp.search(tx, search));
  }

  @Override
  public Optional<JobRecord> job(JobId id) {
    return db.tx("job", tx -> JobOps.find(tx, id, false));
  }

  @Override
  public LogPage logs(JobId id, long from, int limit) {
    return db.tx("logs", tx -> DetailOps.logs(tx, id, from, limit));
  }

  @Override
  public List<JobRecord> continuations(JobId parent, int limit) {
    return db.tx("continuations", tx -> DetailOps.continuations(tx, parent, limit));
  }

  @Override
  public List<UniqueHold> uniqueKeys(int limit) {
    return db.tx("uniqueKeys", tx -> DetailOps.uniqueKeys(tx, limit));
  }

  @Override
  public List<ServerRecord> servers() {
    return db.tx("servers", MonitorOps::servers);
  }

  @Override
  public List<QueueStats> queues() {
    return db.tx("queues", MonitorOps::queues);
  }

  @Override
  public List<KeyStatus> concurrencyKeys() {
    return db.tx("concurrencyKeys", MonitorOps::keys);
  }

  @Override
  public List<LockLease> locks() {
    return db.tx("locks", LockOps::held);
  }

  // ---------------------------------------------------------------- StatsStorage

  @Override
  public void addStats(List<MinuteStats> deltas) {
    if (deltas.isEmpty()) {
      return;
    }
    db.tx(
        "addStats",
        tx -> {
          StatsOps.add(tx, deltas);
          return null;
        });
  }

  @Override
  public List<MinuteStats> stats(Instant from, Instant to) {
    return db.tx("stats", tx -> StatsOps.stats(tx, from, to));
  }

  @Override
  public int pruneStats(Instant before) {
    int pruned = 0;
    int n;
    do {
      n = db.tx("pruneStats", tx -> StatsOps.prune(tx, before));
      pruned += n;
    } while (n == StatsOps.PRUNE_BATCH);
    return pruned;
  }

  @Override
  public void addServerEvent(ServerEvent event) {
    db.tx(
        "addServerEvent",
        tx -> {
          StatsOps.addEvent(tx, event);
          return null;
        });
  }

  @Override
  public List<ServerEvent> serverEvents(int limit) {
    return db.tx("serverEvents", tx -> StatsOps.events(tx, limit));
  }
}
