package dev.baton.storage.redis;

import static dev.baton.storage.redis.RedisRows.instant;
import static dev.baton.storage.redis.RedisRows.micros;
import static dev.baton.storage.redis.RedisRows.text;

import dev.baton.BatonException;
import dev.baton.job.JobId;
import dev.baton.state.ExceptionInfo;
import dev.baton.state.JobState;
import dev.baton.storage.CallTimeouts;
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
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Baton's Redis storage: every SPI operation is one Lua script, run as a function of a Redis 7
 * function library (FCALL) or, on Redis 6.2, by EVALSHA (see docs/redis.md), with the Redis
 * server's {@code TIME} as the clock. All keys of a namespace share the hash tag {@code
 * {namespace}}, so the scripts work unchanged on Redis Cluster. Claims record the owner and bump
 * the fencing token in the same script that admits the job; pub/sub carries wake-ups and lease
 * revocations. The dashboard's bounded reads are {@code RedisReads}, its counters and server events
 * {@code RedisStats}. Key layout and persistence advice: docs/redis.md.
 *
 * <pre>{@code
 * RedisStorage storage = RedisStorage.builder().uri("redis://localhost:6379").build();
 * }</pre>
 */
public final class RedisStorage
    implements JobStorage,
        LockStorage,
        JobMonitor,
        StatsStorage,
        CallTimeouts,
        dev.baton.storage.BatchStorage {
  private final Duration commandTimeout;

  /**
   * The command timeout: every call is one command (a script or function), which Lettuce fails
   * after that long, queued during a reconnect or not. Only the first call after Redis lost the
   * function library or script cache sends a second command, once Redis has answered the first.
   */
  @Override
  public Duration longestCall() {
    return commandTimeout;
  }

  private static final Logger LOG = LoggerFactory.getLogger(RedisStorage.class);

  private static final ScriptOutputType MULTI = ScriptOutputType.MULTI;
  private static final ScriptOutputType INT = ScriptOutputType.INTEGER;
  private static final ScriptOutputType VALUE = ScriptOutputType.VALUE;

  private final RedisConnector connector;
  private final LuaScripts scripts;
  private final RedisNotifications notifications;
  private final RedisReads reads;
  private final RedisStats stats;
  private final String namespace;

  private RedisStorage(Builder b) {
    this.namespace = b.namespace;
    String prefix = "{" + b.namespace + "}:";
    this.connector = new RedisConnector(b.uri, b.cluster, b.commandTimeout, b.maxReconnectDelay);
    this.commandTimeout = b.commandTimeout;
    try {
      this.scripts =
          new LuaScripts(
                  connector.commands(),
                  connector.functions(),
                  connector::loadLibrary,
                  prefix,
                  b.functions)
              .describedAs(
                  "Redis storage at "
                      + b.uri.replaceAll("//[^@/]*@", "//***@")
                      + ", namespace "
                      + b.namespace);
      this.notifications =
          new RedisNotifications(connector, prefix, b.pollInterval, this::queuesWithWork);
      RedisPreflight.check(connector, scripts);
      this.reads = new RedisReads(scripts);
      this.stats = new RedisStats(scripts);
    } catch (RuntimeException e) {
      connector.close();
      throw e;
    }
    LOG.info(
        "Redis storage on {} (cluster={}, operations as {}), namespace '{}', command timeout {},"
            + " poll {}, reconnect delay up to {}",
        connector.where(),
        b.cluster,
        scripts.functions() ? "functions" : "scripts",
        b.namespace,
        b.commandTimeout,
        b.pollInterval,
        b.maxReconnectDelay);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Whether the operations run as a Redis function library (FCALL), not as EVALSHA scripts. */
  boolean usesFunctions() {
    return scripts.functions();
  }

  /** The namespace this storage's keys live under ({@code {namespace}:...}). */
  public String namespace() {
    return namespace;
  }

  // ---------------------------------------------------------------- clock

  @Override
  public Instant now() {
    List<Object> t = scripts.run("now", MULTI);
    return Instant.ofEpochSecond(
        Long.parseLong(t.get(0).toString()), Long.parseLong(t.get(1).toString()) * 1_000);
  }

  // ---------------------------------------------------------------- creation and client moves

  @Override
  public List<CreateResult> create(List<NewJob> jobs) {
    if (jobs.isEmpty()) {
      return List.of();
    }
    List<String> args = new ArrayList<>(1 + jobs.size() * RedisRows.NEW_JOB_FIELDS);
    args.add(Integer.toString(jobs.size()));
    jobs.forEach(j -> RedisRows.addNewJob(args, j));
    List<Object> out = scripts.run("create", MULTI, args);
    return createResults(out, 0);
  }

  @Override
  public List<CreateResult> createBatch(dev.baton.storage.NewBatch batch) {
    List<NewJob> jobs = batch.jobs();
    List<String> args = new ArrayList<>(4 + jobs.size() * RedisRows.NEW_JOB_FIELDS);
    args.add(batch.id().toString());
    args.add(batch.continueOn() == null ? "" : batch.continueOn().name());
    args.add(Integer.toString(batch.members().size()));
    args.add(batch.continuation() == null ? "0" : "1");
    jobs.forEach(j -> RedisRows.addNewJob(args, j));
    List<Object> out = scripts.run("createbatch", MULTI, args);
    return createResults(out, 0);
  }

  @Override
  public Optional<dev.baton.storage.BatchRecord> batch(dev.baton.job.BatchId id) {
    List<Object> v = scripts.run("batch", MULTI, id.toString());
    if (v == null || v.isEmpty() || v.get(0) == null) {
      return Optional.empty();
    }
    String cont = v.get(5).toString();
    String on = v.get(6).toString();
    String state = v.get(7).toString();
    return Optional.of(
        new dev.baton.storage.BatchRecord(
            id,
            Integer.parseInt(v.get(0).toString()),
            Integer.parseInt(v.get(1).toString()),
            Integer.parseInt(v.get(2).toString()),
            Integer.parseInt(v.get(3).toString()),
            cont.isEmpty() ? null : JobId.parse(cont),
            on.isEmpty() ? null : dev.baton.storage.ContinuationCondition.valueOf(on),
            state.isEmpty() ? null : JobState.valueOf(state),
            RedisRows.instant(v.get(4))));
  }

  private static List<CreateResult> createResults(List<Object> out, int from) {
    List<CreateResult> results = new ArrayList<>(out.size() / 3);
    for (int i = from; i + 2 < out.size(); i += 3) {
      JobId id = JobId.parse(out.get(i).toString());
      JobState state = JobState.valueOf(out.get(i + 2).toString());
      results.add(
          ((Long) out.get(i + 1)) == 1
              ? CreateResult.created(id, state)
              : CreateResult.duplicate(id, state));
    }
    return results;
  }

  @Override
  public Optional<JobRecord> find(JobId id) {
    List<Object> out = scripts.run("find", MULTI, id.toString(), "1");
    if (out == null || out.isEmpty() || out.get(0) == null) {
      return Optional.empty();
    }
    return Optional.of(
        RedisRows.record(
            RedisRows.hash(out.get(0)),
            (List<?>) out.get(1),
            (List<?>) out.get(2),
            text(out.get(3)),
            true));
  }

  @Override
  public Optional<JobState> delete(
      JobId id, String reason, Duration retention, Set<JobState> from) {
    if (from.isEmpty()) {
      return Optional.empty();
    }
    String states =
        from.containsAll(DELETABLE)
            ? ""
            : from.stream().map(JobState::name).collect(Collectors.joining(","));
    String left =
        scripts.run("delete", VALUE, id.toString(), text(reason), micros(retention), states);
    return Optional.ofNullable(left).map(JobState::valueOf);
  }

  @Override
  public Optional<JobState> requeue(JobId id, String reason) {
    String from = scripts.run("requeue", VALUE, id.toString(), text(reason));
    return Optional.ofNullable(from).map(JobState::valueOf);
  }

  // ---------------------------------------------------------------- the server's side

  @Override
  public List<LeasedJob> claim(String serverId, List<String> queues, int max) {
    if (max <= 0 || queues.isEmpty()) {
      return List.of();
    }
    return claim(serverId, queues, max, "");
  }

  /** {@code create} hands jobs to idle servers that left an offer: see {@link #claimOrOffer}. */
  @Override
  public boolean handsOver() {
    return true;
  }

  /**
   * The claim script with a ttl: it takes the server's previous offer back, claims, and leaves an
   * offer of the missing slots that {@code create} uses (docs/redis.md, "Hand-over").
   */
  @Override
  public List<LeasedJob> claimOrOffer(String serverId, List<String> queues, int max, Duration ttl) {
    return claim(serverId, queues, Math.max(0, max), micros(ttl));
  }

  @Override
  public List<LeasedJob> leasedTo(String serverId) {
    return leasedJobs(serverId, scripts.run("leased", MULTI, serverId));
  }

  /** claim.lua; {@code ttl} "" for a plain claim, else microseconds (claimOrOffer). */
  private List<LeasedJob> claim(String serverId, List<String> queues, int max, String ttl) {
    List<String> args = new ArrayList<>(3 + queues.size());
    args.add(serverId);
    args.add(Integer.toString(max));
    args.add(ttl);
    args.addAll(queues);
    return leasedJobs(serverId, scripts.run("claim", MULTI, args));
  }

  /**
   * Rows of claim.lua and leased.lua, per job: id, token, attempt, created, type, queue, args,
   * meta, max, then (not for plain jobs' claim rows) parent, cond, conc, uk, uh, uttl.
   */
  private static List<LeasedJob> leasedJobs(String serverId, List<Object> rows) {
    List<LeasedJob> leased = new ArrayList<>(rows.size());
    for (Object r : rows) {
      List<?> v = (List<?>) r;
      String id = v.get(0).toString();
      Lease lease = new Lease(JobId.parse(id), serverId, (Long) v.get(1));
      leased.add(
          new LeasedJob(
              lease,
              RedisRows.spec(
                  id, s(v, 4), s(v, 5), s(v, 6), s(v, 7), s(v, 8), s(v, 9), s(v, 10), s(v, 11),
                  s(v, 12), s(v, 13), s(v, 14)),
              Integer.parseInt(s(v, 2)),
              instant(s(v, 3))));
    }
    return leased;
  }

  /** Element {@code i} as text; "" past the end (a plain job's claim row stops after max). */
  private static String s(List<?> v, int i) {
    return i < v.size() ? text(v.get(i)) : "";
  }

  @Override
  public boolean finish(Lease lease, String worker, RunOutcome outcome) {
    List<String> args = new ArrayList<>(10);
    addFinish(args, lease, worker, outcome);
    Long ok = scripts.run("finish", INT, args);
    return ok == 1;
  }

  /** Every completion in ONE script: each fenced and applied exactly as {@link #finish}. */
  @Override
  public List<Boolean> finishAll(List<Completion> completions) {
    if (completions.isEmpty()) {
      return List.of();
    }
    List<String> args = new ArrayList<>(10 * completions.size());
    for (Completion c : completions) {
      addFinish(args, c.lease(), c.worker(), c.outcome());
    }
    List<Object> out = scripts.run("finishall", MULTI, args);
    List<Boolean> applied = new ArrayList<>(out.size());
    for (Object o : out) {
      applied.add(((Long) o) == 1);
    }
    return applied;
  }

  /** The 10 arguments of finish.lua (and of each completion in finishall.lua). */
  private static void addFinish(List<String> args, Lease lease, String worker, RunOutcome outcome) {
    String kind;
    Duration duration = Duration.ZERO;
    ExceptionInfo error = null;
    if (outcome instanceof RunOutcome.Succeeded o) {
      kind = "S";
      duration = o.retention();
    } else if (outcome instanceof RunOutcome.Retry o) {
      kind = o.spendsAttempt() ? "R" : "P";
      duration = o.delay();
      error = o.error();
    } else if (outcome instanceof RunOutcome.Failed o) {
      kind = "F";
      error = o.error();
    } else if (outcome instanceof RunOutcome.Deleted o) {
      kind = "D";
      duration = o.retention();
    } else {
      kind = "L";
    }
    args.add(lease.jobId().toString());
    args.add(lease.serverId());
    args.add(Long.toString(lease.token()));
    args.add(text(worker));
    args.add(kind);
    args.add(text(outcome.reason()));
    args.add(micros(duration));
    args.add(error == null ? "" : text(error.type()));
    args.add(error == null ? "" : text(error.message()));
    args.add(error == null ? "" : text(error.stackTrace()));
  }

  @Override
  public boolean report(Lease lease, Integer progress, List<LogLine> lines) {
    List<String> args = new ArrayList<>(4 + 3 * lines.size());
    args.add(lease.jobId().toString());
    args.add(lease.serverId());
    args.add(Long.toString(lease.token()));
    args.add(progress == null ? "" : Integer.toString(Math.max(0, Math.min(100, progress))));
    Instant now = null;
    for (LogLine l : lines) {
      if (l.at() == null && now == null) {
        now = now();
      }
      args.add(micros(l.at() == null ? now : l.at()));
      args.add(text(l.level()));
      args.add(text(l.message()));
    }
    Long ok = scripts.run("report", INT, args);
    return ok == 1;
  }

  @Override
  public HeartbeatResult heartbeat(ServerBeat beat) {
    List<String> args = new ArrayList<>(4 + 2 * beat.running().size());
    args.add(beat.serverId());
    args.add(text(beat.host()));
    args.add(RedisRows.queuesJson(beat.queues()));
    args.add(Integer.toString(beat.workers()));
    for (Lease l : beat.running()) {
      args.add(l.jobId().toString());
      args.add(Long.toString(l.token()));
    }
    List<Object> out = scripts.run("heartbeat", MULTI, args);
    Instant at =
        Instant.ofEpochSecond(
            Long.parseLong(out.get(0).toString()), Long.parseLong(out.get(1).toString()) * 1_000);
    List<JobId> revoked = new ArrayList<>();
    for (int i = 3; i < out.size(); i++) {
      revoked.add(JobId.parse(out.get(i).toString()));
    }
    return new HeartbeatResult(at, ((Long) out.get(2)) == 1, revoked);
  }

  @Override
  public List<RescuedServer> rescueDeadServers(Duration timeout, String rescuerId) {
    List<Object> out = scripts.run("rescue", MULTI, micros(timeout), text(rescuerId));
    List<RescuedServer> rescued = new ArrayList<>();
    int i = 0;
    while (i + 2 < out.size()) {
      String server = out.get(i).toString();
      Instant lastBeat = instant(out.get(i + 1).toString());
      int n = ((Long) out.get(i + 2)).intValue();
      List<JobId> ids = new ArrayList<>(n);
      for (int k = 0; k < n; k++) {
        ids.add(JobId.parse(out.get(i + 3 + k).toString()));
      }
      rescued.add(new RescuedServer(server, lastBeat, ids));
      i += 3 + n;
    }
    return rescued;
  }

  @Override
  public List<JobId> deregister(String serverId, String reason) {
    List<Object> out = scripts.run("deregister", MULTI, serverId, text(reason));
    return out.stream().map(o -> JobId.parse(o.toString())).toList();
  }

  @Override
  public int promoteDue(int max) {
    Long n = scripts.run("promote", INT, Integer.toString(Math.max(0, max)));
    return n.intValue();
  }

  @Override
  public int purgeExpired(int max) {
    Long n = scripts.run("purge", INT, Integer.toString(Math.max(0, max)));
    return n.intValue();
  }

  // ---------------------------------------------------------------- recurring jobs

  @Override
  public void saveRecurring(RecurringRecord r) {
    scripts.run(
        "saverecurring",
        INT,
        r.id(),
        r.definitionJson(),
        micros(r.nextFireAt()),
        r.paused() ? "1" : "0",
        r.lastFireAt() == null ? "" : micros(r.lastFireAt()),
        r.lastJobId() == null ? "" : r.lastJobId().toString());
  }

  @Override
  public boolean removeRecurring(String id) {
    Long n = scripts.run("removerecurring", INT, id);
    return n == 1;
  }

  @Override
  public List<RecurringRecord> recurringJobs() {
    List<Object> out = scripts.run("recurring", MULTI);
    List<RecurringRecord> list = new ArrayList<>(out.size());
    for (Object o : out) {
      List<?> v = (List<?>) o;
      String lastJob = s(v, 5);
      list.add(
          new RecurringRecord(
              s(v, 0),
              s(v, 1),
              instant(s(v, 2)),
              "1".equals(s(v, 3)),
              instant(s(v, 4)),
              lastJob.isEmpty() ? null : JobId.parse(lastJob)));
    }
    return list;
  }

  @Override
  public Optional<List<CreateResult>> fireRecurring(
      String id, Instant expectedNextFire, Instant newNextFire, List<NewJob> jobs) {
    List<String> args = new ArrayList<>(4 + jobs.size() * RedisRows.NEW_JOB_FIELDS);
    args.add(id);
    args.add(micros(expectedNextFire));
    args.add(micros(newNextFire));
    args.add(Integer.toString(jobs.size()));
    jobs.forEach(j -> RedisRows.addNewJob(args, j));
    List<Object> out = scripts.run("fire", MULTI, args);
    if (((Long) out.get(0)) == 0) {
      return Optional.empty();
    }
    return Optional.of(createResults(out, 1));
  }

  // ---------------------------------------------------------------- notifications

  @Override
  public Subscription subscribe(StorageListener listener) {
    return notifications.add(listener);
  }

  private List<String> queuesWithWork() {
    List<Object> out = scripts.run("ready", MULTI);
    return out.stream().map(Object::toString).toList();
  }

  // ---------------------------------------------------------------- locks

  @Override
  public Optional<LockLease> tryLock(String name, String owner, Duration atMost) {
    List<Object> out = scripts.run("trylock", MULTI, name, text(owner), micros(atMost));
    return lockLease(name, out);
  }

  @Override
  public Optional<LockLease> extendLock(String name, long token, Duration atMost) {
    List<Object> out = scripts.run("extendlock", MULTI, name, Long.toString(token), micros(atMost));
    return lockLease(name, out);
  }

  private static Optional<LockLease> lockLease(String name, List<Object> out) {
    if (out == null || out.isEmpty() || out.get(0) == null) {
      return Optional.empty();
    }
    return Optional.of(
        new LockLease(
            name,
            out.get(0).toString(),
            (Long) out.get(1),
            instant(out.get(2).toString()),
            instant(out.get(3).toString())));
  }

  @Override
  public boolean unlock(String name, long token, Duration atLeast) {
    Long ok = scripts.run("unlock", INT, name, Long.toString(token), micros(atLeast));
    return ok == 1;
  }

  // ---------------------------------------------------------------- monitor

  @Override
  public Map<JobState, Long> countByState() {
    List<Object> out = scripts.run("count", MULTI);
    Map<JobState, Long> counts = new EnumMap<>(JobState.class);
    for (int i = 0; i + 1 < out.size(); i += 2) {
      counts.put(JobState.valueOf(out.get(i).toString()), (Long) out.get(i + 1));
    }
    return counts;
  }

  @Override
  public Page<JobRecord> findJobs(JobQuery q) {
    List<Object> out =
        scripts.run(
            "jobs",
            MULTI,
            q.state() == null ? "" : q.state().name(),
            text(q.queue()),
            text(q.type()),
            Integer.toString(q.offset()),
            Integer.toString(q.limit()));
    List<JobRecord> items = new ArrayList<>(out.size() - 1);
    for (int i = 1; i < out.size(); i++) {
      List<?> item = (List<?>) out.get(i);
      items.add(
          RedisRows.record(RedisRows.hash(item.get(0)), null, (List<?>) item.get(1), null, false));
    }
    return new Page<>(items, (Long) out.get(0));
  }

  @Override
  public JobPage searchJobs(JobSearch search) {
    return reads.search(search);
  }

  @Override
  public Optional<JobRecord> job(JobId id) {
    return reads.job(id);
  }

  @Override
  public LogPage logs(JobId id, long from, int limit) {
    return reads.logs(id, from, limit);
  }

  @Override
  public List<JobRecord> continuations(JobId parent, int limit) {
    return reads.continuations(parent, limit);
  }

  @Override
  public List<UniqueHold> uniqueKeys(int limit) {
    return reads.uniqueKeys(limit);
  }

  @Override
  public List<ServerRecord> servers() {
    List<Object> out = scripts.run("servers", MULTI);
    List<ServerRecord> list = new ArrayList<>(out.size());
    for (Object o : out) {
      List<?> v = (List<?>) o;
      list.add(
          new ServerRecord(
              s(v, 0),
              s(v, 1),
              RedisRows.queues(s(v, 2)),
              Integer.parseInt(s(v, 3)),
              instant(s(v, 4)),
              instant(s(v, 5)),
              ((Long) v.get(6)).intValue()));
    }
    return list;
  }

  @Override
  public List<QueueStats> queues() {
    List<Object> out = scripts.run("queues", MULTI);
    List<QueueStats> list = new ArrayList<>(out.size());
    for (Object o : out) {
      List<?> v = (List<?>) o;
      list.add(
          new QueueStats(
              s(v, 0), (Long) v.get(1), (Long) v.get(2), (Long) v.get(3), (Long) v.get(4)));
    }
    return list;
  }

  @Override
  public List<KeyStatus> concurrencyKeys() {
    List<Object> out = scripts.run("keys", MULTI);
    List<KeyStatus> list = new ArrayList<>(out.size());
    for (Object o : out) {
      List<?> v = (List<?>) o;
      list.add(
          new KeyStatus(
              RedisRows.permit(s(v, 0)),
              ids((List<?>) v.get(1)),
              ((Long) v.get(2)).intValue(),
              ids((List<?>) v.get(3))));
    }
    return list;
  }

  private static List<JobId> ids(List<?> raw) {
    return raw.stream().map(o -> JobId.parse(o.toString())).toList();
  }

  @Override
  public List<LockLease> locks() {
    List<Object> out = scripts.run("locks", MULTI);
    List<LockLease> list = new ArrayList<>(out.size());
    for (Object o : out) {
      List<?> v = (List<?>) o;
      list.add(
          new LockLease(s(v, 0), s(v, 1), (Long) v.get(2), instant(s(v, 3)), instant(s(v, 4))));
    }
    list.sort(java.util.Comparator.comparing(LockLease::name));
    return list;
  }

  // ---------------------------------------------------------------- stats (RedisStats)

  @Override
  public void addStats(List<MinuteStats> deltas) {
    stats.addStats(deltas);
  }

  @Override
  public List<MinuteStats> stats(Instant from, Instant to) {
    return stats.stats(from, to);
  }

  @Override
  public int pruneStats(Instant before) {
    return stats.pruneStats(before);
  }

  @Override
  public void addServerEvent(ServerEvent event) {
    stats.addServerEvent(event);
  }

  @Override
  public List<ServerEvent> serverEvents(int limit) {
    return stats.serverEvents(limit);
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public void close() {
    try {
      notifications.close();
    } finally {
      connector.close();
    }
  }

  /**
   * Configuration of a {@link RedisStorage}; every setting has a named default, and {@link
   * #build()} validates them and connects (failing with a message that says what to fix).
   */
  public static final class Builder {
    public static final String DEFAULT_URI = "redis://127.0.0.1:6379";
    public static final String DEFAULT_NAMESPACE = "baton";

    /**
     * Half the default server timeout (8 s): a call never outlasts the time in which a server must
     * notice, by its own clock, that it may have been declared dead.
     */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(4);

    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_MAX_RECONNECT_DELAY = Duration.ofSeconds(1);
    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private String uri = DEFAULT_URI;
    private boolean cluster;
    private String namespace = DEFAULT_NAMESPACE;
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private Duration pollInterval = DEFAULT_POLL_INTERVAL;
    private Duration maxReconnectDelay = DEFAULT_MAX_RECONNECT_DELAY;
    private boolean functions = true;

    private Builder() {}

    /**
     * {@code redis://[user:password@]host:port[/db]}, {@code rediss://...} for TLS, or {@code
     * redis-sentinel://host:port[,host:port]#masterName} to find the master through Sentinels (on
     * every reconnect, so a failover is followed).
     */
    public Builder uri(String uri) {
      this.uri = uri;
      return this;
    }

    /** Whether {@link #uri} is a seed node of a Redis Cluster (default false). */
    public Builder cluster(boolean cluster) {
      this.cluster = cluster;
      return this;
    }

    /** The prefix of every key, inside a hash tag: {@code {namespace}:...} (default "baton"). */
    public Builder namespace(String namespace) {
      this.namespace = namespace;
      return this;
    }

    /**
     * How long one call may take before it fails (default 4 s), also while Redis is unreachable:
     * Lettuce queues a command issued while it reconnects, and the timeout runs from the call, so
     * the reconnect delay adds nothing. This is {@link RedisStorage#longestCall()}; keep it well
     * below the servers' {@code serverTimeout}.
     */
    public Builder commandTimeout(Duration commandTimeout) {
      this.commandTimeout = commandTimeout;
      return this;
    }

    /**
     * The longest wait between two attempts to reconnect to a Redis that went away (default 1 s):
     * attempts start 10 ms apart and double, with jitter, up to this. The storage so resumes at
     * most this long after Redis is back (Lettuce's own default grows to 30 s).
     */
    public Builder maxReconnectDelay(Duration maxReconnectDelay) {
      this.maxReconnectDelay = maxReconnectDelay;
      return this;
    }

    /** How often listeners are told about queues with work, as a pub/sub safety net (5 s). */
    public Builder pollInterval(Duration pollInterval) {
      this.pollInterval = pollInterval;
      return this;
    }

    /**
     * Whether to run the operations as a Redis 7 function library ({@code FUNCTION LOAD} once,
     * {@code FCALL}; default true), falling back to {@code EVALSHA} scripts where Redis refuses it.
     * False: always scripts (e.g. where ACLs allow EVALSHA but not FUNCTION).
     */
    public Builder functions(boolean functions) {
      this.functions = functions;
      return this;
    }

    public RedisStorage build() {
      if (uri == null || uri.isBlank()) {
        throw new BatonException("uri must be set, e.g. redis://localhost:6379");
      }
      if (namespace == null || !NAMESPACE.matcher(namespace).matches()) {
        throw new BatonException(
            "namespace must match " + NAMESPACE + " (no braces), got '" + namespace + "'");
      }
      if (cluster && (uri.startsWith("redis-sentinel") || uri.startsWith("rediss-sentinel"))) {
        throw new BatonException(
            "a Redis Cluster is not reached through Sentinel: give a cluster node's redis:// URI,"
                + " or cluster(false) for a Sentinel-managed master, got '"
                + uri
                + "'");
      }
      positive("commandTimeout", commandTimeout);
      positive("pollInterval", pollInterval);
      if (maxReconnectDelay == null || maxReconnectDelay.compareTo(Duration.ofMillis(1)) < 0) {
        throw new BatonException(
            "maxReconnectDelay must be at least 1 ms, got " + maxReconnectDelay);
      }
      return new RedisStorage(this);
    }

    private static void positive(String name, Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new BatonException(name + " must be a positive duration, got " + d);
      }
    }
  }
}
