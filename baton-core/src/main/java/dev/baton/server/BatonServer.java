package dev.baton.server;

import dev.baton.BatonException;
import dev.baton.client.JobSpecFactory;
import dev.baton.filter.JobFilter;
import dev.baton.filter.RetryFilter;
import dev.baton.job.JobHandler;
import dev.baton.job.JobId;
import dev.baton.job.JobType;
import dev.baton.json.JsonCodec;
import dev.baton.stats.OutcomeCounters;
import dev.baton.stats.StatsFilter;
import dev.baton.stats.StatsPlugin;
import dev.baton.stats.UnknownTypes;
import dev.baton.storage.CallTimeouts;
import dev.baton.storage.JobStorage;
import dev.baton.storage.Lease;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.RunOutcome;
import dev.baton.storage.StatsStorage;
import dev.baton.storage.StorageListener;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Baton server: claims jobs from its queues in the shared storage and runs them on its workers,
 * beats, rescues dead peers' jobs, promotes scheduled jobs and purges expired ones (the last three
 * as {@link ServerPlugin}s). Built from one {@link BatonServerConfig}:
 *
 * <pre>{@code
 * try (BatonServer server =
 *     BatonServer.builder(storage)
 *         .config(BatonServerConfig.builder().queues("critical", "default").build())
 *         .handle(VIDEO, (args, ctx) -> download(args))
 *         .build()
 *         .start()) {
 *   ...
 * }
 * }</pre>
 *
 * <p>{@link #close()} shuts down gracefully: stop claiming, fire every running job's cancellation,
 * wait up to the shutdown grace while still beating, then release what still runs to the head of
 * its queue without spending an attempt, stop the plugins and deregister.
 */
public final class BatonServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BatonServer.class);
  private static final long CLAIM_JOIN_MILLIS = 5_000;
  private static final long COMMIT_FLUSH_MILLIS = 5_000;
  private static final int MAX_COMMITTERS = 4;

  private final JobStorage storage;
  private final BatonServerConfig config;
  private final List<ServerPlugin> plugins;
  private final JsonCodec json;
  private final JobSpecFactory specs;
  private final StorageClock clock = new StorageClock();
  private final Liveness liveness;
  private final WorkerPool workers;
  private final JobTimeouts timeouts;
  private final JobRunner runner;
  private final Heartbeat heartbeat;
  private final Watchdog watchdog;
  private final ClaimLoop claimLoop;
  private final HandOvers handOvers;
  private int offersAtLastLook; // on the plugin scheduler only
  private int failedClaimsAtLastLook; // on the plugin scheduler only
  private final Committer committer;
  private final List<String> filterNames;
  private final List<ServerEventListener> eventListeners;
  private ScheduledExecutorService heartbeatThread;
  private ScheduledExecutorService watchdogThread;
  private volatile ScheduledExecutorService pluginScheduler;
  private Thread claimThread;
  private final List<Thread> committerThreads = new ArrayList<>();
  private JobStorage.Subscription subscription;
  private volatile boolean started;
  private volatile boolean stopping;
  private volatile boolean frozen;
  private volatile boolean closed;

  private BatonServer(Builder b) {
    this.storage = b.storage;
    this.config = b.config;
    if (config.failedRetention().isPresent()
        && !(storage instanceof dev.baton.storage.JobMonitor)) {
      throw new IllegalArgumentException(
          "failedRetention needs a storage that can list jobs (a JobMonitor); "
              + storage.getClass().getName()
              + " is not one");
    }
    this.json = b.json;
    this.specs = new JobSpecFactory(json);
    this.liveness = new Liveness(b.ticker, config);
    List<JobFilter> filters = new ArrayList<>();
    if (b.retryFilter) {
      filters.add(
          new RetryFilter(
              json, () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble()));
    }
    filters.addAll(b.filters);
    // Statistics count what the storage applied; innermost in the chain, they time the handler.
    StatsStorage stats = config.stats() && storage instanceof StatsStorage s ? s : null;
    OutcomeCounters counters = stats == null ? null : new OutcomeCounters(clock::now);
    UnknownTypes unknownTypes = new UnknownTypes();
    if (counters != null) {
      filters.add(
          new StatsFilter(
              counters, job -> job instanceof RunningJob r ? r.leased().createdAt() : null));
    }
    this.eventListeners = List.copyOf(b.eventListeners);
    this.filterNames = filters.stream().map(f -> f.getClass().getSimpleName()).toList();
    List<ServerPlugin> all = new ArrayList<>();
    // Built-ins run unless the builder was given a plugin of the same class, which replaces it
    // (a RecurringPlugin with another tick, say). Recurring is on by default so that recurring
    // jobs defined through any client fire without extra wiring.
    List<ServerPlugin> builtIns =
        new ArrayList<>(
            List.of(
                new PromotionPlugin(config.promotionInterval()),
                new RescuePlugin(config.serverTimeout(), config.rescueInterval(), config.stats()),
                new RetentionPlugin(
                    config.purgeInterval(), config.purgeBatchSize(), config.failedRetention()),
                new dev.baton.recurring.RecurringPlugin()));
    if (counters != null) {
      String detail = "queues " + config.queues() + ", " + config.workers() + " workers";
      builtIns.add(new StatsPlugin(counters, unknownTypes, stats, () -> !frozen, detail));
    }
    for (ServerPlugin builtIn : builtIns) {
      if (b.plugins.stream().noneMatch(p -> p.getClass() == builtIn.getClass())) {
        all.add(builtIn);
      }
    }
    all.addAll(b.plugins);
    this.plugins = List.copyOf(all);
    BooleanSupplier mayWrite = () -> !(closed && frozen);
    this.timeouts = new JobTimeouts(config.serverId(), config.timeoutGrace(), this::giveUp);
    this.runner =
        new JobRunner(
            b.handlers.build(),
            filters,
            json,
            config,
            mayWrite,
            liveness,
            timeouts,
            new UnknownTypePolicy(
                config.unknownTypeGrace(),
                clock::now,
                unknownTypes,
                () -> ThreadLocalRandom.current().nextDouble()));
    this.workers =
        new WorkerPool(
            config.serverId(),
            config.workers(),
            storage,
            clock,
            runner,
            this::submitOutcome,
            this::workerFreed);
    this.committer =
        new Committer(
            storage,
            config.claimBatchSize(),
            runner,
            mayWrite,
            this::outcomeWritten,
            workers::done,
            this::workerFreed,
            liveness);
    this.heartbeat =
        new Heartbeat(storage, config, hostName(), clock, liveness, workers::running, workers::get);
    this.claimLoop =
        new ClaimLoop(
            storage,
            config,
            this::claimableWorkers,
            () -> heartbeat.registered() && liveness.fresh() && !stopping && !frozen,
            this::startClaimed,
            this::recoverLostAnswers,
            liveness);
    this.watchdog = new Watchdog(config, liveness, workers::running, () -> claimLoop.wake());
    this.handOvers =
        new HandOvers(
            config.serverId(),
            storage,
            workers,
            liveness,
            this::release,
            () -> stopping,
            this::background,
            task -> claimLoop.whileNotClaiming(task));
  }

  /** Runs {@code task} on the plugin threads, off the storage's push thread. */
  private void background(Runnable task) {
    ScheduledExecutorService threads = pluginScheduler;
    if (threads == null) {
      throw new RejectedExecutionException("server " + config.serverId() + " is not started");
    }
    threads.execute(task);
  }

  public static Builder builder(JobStorage storage) {
    return new Builder(storage);
  }

  public BatonServerConfig config() {
    return config;
  }

  public String serverId() {
    return config.serverId();
  }

  /** Jobs running on this server now. */
  public int runningJobs() {
    return workers.running().size();
  }

  /**
   * How late this server's recent heartbeats started against their schedule. A server whose beats
   * come late by a good part of {@code selfFenceAfter - heartbeatInterval} is short of CPU, or
   * pauses: it logs a WARN naming the setting to raise.
   */
  public HeartbeatLateness heartbeatLateness() {
    return heartbeat.lateness();
  }

  /** True between {@link #start()} and {@link #close()}. */
  public boolean isRunning() {
    return started && !closed;
  }

  /**
   * Registers with the storage (a failed first beat is retried; claims wait for it), then starts
   * the heartbeat, the plugins and the claim loop. Returns this server.
   */
  public synchronized BatonServer start() {
    if (started) {
      throw new IllegalStateException("server " + config.serverId() + " was already started");
    }
    started = true;
    log.info(
        "Baton server starting: {}, workers on {} threads, filters {}, plugins {}",
        config,
        WorkerThreads.virtualAvailable() ? "virtual" : "platform",
        filterNames,
        plugins);
    String id = config.serverId();
    try {
      subscription = storage.subscribe(new Listener());
    } catch (RuntimeException e) {
      started = false;
      throw new BatonException(
          "server " + id + " could not subscribe to the storage's notifications: " + e, e);
    }
    workers.open();
    heartbeatThread =
        Executors.newSingleThreadScheduledExecutor(
            WorkerThreads.platformFactory("baton-" + id + "-heartbeat-"));
    pluginScheduler =
        Executors.newScheduledThreadPool(
            2, WorkerThreads.platformFactory("baton-" + id + "-plugins-"));
    // Its own thread, which never calls the storage: a blocked call cannot delay the self-fence.
    watchdogThread =
        Executors.newSingleThreadScheduledExecutor(
            WorkerThreads.platformFactory("baton-" + id + "-watchdog-"));
    heartbeat.beat();
    long beat = config.heartbeatInterval().toNanos();
    heartbeat.scheduleFrom(System.nanoTime() + beat);
    heartbeatThread.scheduleAtFixedRate(this::tickHeartbeat, beat, beat, TimeUnit.NANOSECONDS);
    long look = Watchdog.period(config).toNanos();
    watchdogThread.scheduleAtFixedRate(watchdog, look, look, TimeUnit.NANOSECONDS);
    long flush = config.reportFlushInterval().toMillis();
    pluginScheduler.scheduleWithFixedDelay(this::flushReports, flush, flush, TimeUnit.MILLISECONDS);
    if (storage.handsOver()) {
      // Safety net for a hand-over whose push was lost without the storage noticing, and for a
      // claim whose answer was lost but that reached the storage only after the first look.
      long every = config.serverTimeout().toMillis();
      pluginScheduler.scheduleWithFixedDelay(
          this::recoverHandOvers, every, every, TimeUnit.MILLISECONDS);
    }
    PluginContext context = new Context(storage, id, pluginScheduler, specs, eventListeners);
    for (ServerPlugin plugin : plugins) {
      try {
        plugin.start(context);
      } catch (RuntimeException e) {
        log.error(
            "plugin {} of server {} failed to start; the server runs without it",
            plugin.name(),
            id,
            e);
      }
    }
    ThreadFactory commitFactory = WorkerThreads.platformFactory("baton-" + id + "-commit-");
    for (int i = 0; i < committers(config.workers()); i++) {
      Thread thread = commitFactory.newThread(committer);
      committerThreads.add(thread);
      thread.start();
    }
    claimThread = WorkerThreads.platformFactory("baton-" + id + "-claim-").newThread(claimLoop);
    claimThread.start();
    return this;
  }

  /** Same as {@link #close()}. */
  public void stop() {
    close();
  }

  /**
   * Graceful shutdown (see the class comment). Blocks up to the shutdown grace plus one storage
   * round trip. Idempotent. After {@link #simulateFreeze()} it only stops the threads and writes
   * nothing to the storage, like a killed process.
   */
  @Override
  public synchronized void close() {
    if (closed || !started) {
      closed = true;
      return;
    }
    if (frozen) {
      closed = true;
      log.warn("server {} (frozen) stopped without deregistering, as if killed", config.serverId());
      stopThreads();
      return;
    }
    stopping = true;
    claimLoop.stop();
    joinClaimThread(); // a claim in flight starts its jobs before their tokens are fired below
    log.info(
        "server {} shutting down; cancelling {} running jobs",
        config.serverId(),
        workers.running().size());
    workers.cancelAll(
        Cancellation.Cause.SHUTDOWN, "server " + config.serverId() + " is shutting down");
    workers.awaitIdle(config.shutdownGrace().toMillis());
    for (RunningJob job : workers.running()) {
      if (!job.isFinishing()) { // a finishing job's outcome is with the committer
        release(job);
      }
    }
    // Every handed-over outcome is written before deregistering, which would release those jobs.
    committer.close(COMMIT_FLUSH_MILLIS);
    plugins.forEach(BatonServer::stopQuietly);
    heartbeatThread.shutdownNow();
    watchdogThread.shutdownNow();
    timeouts.close();
    closed = true;
    HeartbeatLateness late = heartbeat.lateness();
    log.info(
        "server {}: heartbeat lateness p99 {} ms, max {} ms over the last {} beats",
        config.serverId(),
        late.p99().toMillis(),
        late.max().toMillis(),
        late.beats());
    try {
      List<JobId> released = storage.deregister(config.serverId(), "graceful shutdown");
      if (!released.isEmpty()) {
        log.info("server {} deregistered; the storage released {}", config.serverId(), released);
      }
    } catch (RuntimeException e) {
      log.warn(
          "server {} could not deregister ({}); peers will declare it dead after {}",
          config.serverId(),
          e.toString(),
          config.serverTimeout());
    }
    stopThreads();
    log.info("server {} stopped", config.serverId());
  }

  /**
   * Test seam: the process freezes as in a long GC pause or a SIGSTOP. Heartbeats, claims, plugins
   * and storage pushes stop; nothing is deregistered or cancelled; running handlers go on and their
   * late writes reach the storage (which must refuse them once a peer rescued the job). A later
   * {@link #close()} then behaves like {@code kill -9}: no storage writes.
   */
  public void simulateFreeze() {
    frozen = true;
    claimLoop.stop();
    plugins.forEach(BatonServer::stopQuietly);
    log.warn("server {} frozen (test seam): no heartbeats, claims or plugins", config.serverId());
  }

  private void startClaimed(LeasedJob leased, int epoch) {
    workers.start(leased, epoch, this::release);
    handOvers.noteStarted(leased.lease());
  }

  /**
   * The periodic look for leases this server holds but does not run; skipped while the server made
   * no offer and no claim failed (a busy server with a healthy storage): {@code leasedTo} reads
   * every running job, arguments included.
   */
  private void recoverHandOvers() {
    int offers = claimLoop.offersLeft();
    int failedClaims = claimLoop.failedClaims();
    if (frozen
        || stopping
        || (offers == offersAtLastLook
            && failedClaims == failedClaimsAtLastLook
            && !claimLoop.offering())) {
      return;
    }
    if (handOvers.recover()) { // else the next tick tries again
      offersAtLastLook = offers;
      failedClaimsAtLastLook = failedClaims;
    }
  }

  /** A claim succeeded after failed ones, whose jobs may be leased to this server unknown to it. */
  private void recoverLostAnswers() {
    if (!frozen && !stopping) {
      handOvers.recoverInBackground();
    }
  }

  private void giveUp(JobTimeouts.Stuck stuck) {
    workers.giveUp(stuck);
  }

  private void release(RunningJob job) {
    if (job.cancellation().cause() == Cancellation.Cause.TIMEOUT && job.giveUp()) {
      // Released, it would come back after every restart and never fail: its attempt fails.
      JobRunner.Elected failed =
          runner.givenUp(
              job,
              null,
              "ran past its timeout and was still running when server "
                  + config.serverId()
                  + " shut down");
      try {
        if (failed != null) {
          storage.finish(job.lease(), null, failed.outcome());
        }
      } catch (RuntimeException e) {
        log.warn(
            "could not fail job {} ({}); deregistering will release it", job.jobId(), e.toString());
      }
      return;
    }
    job.flushReports();
    release(job.lease());
  }

  /** Back to the head of its queue without spending an attempt; deregistering would do the same. */
  private void release(Lease lease) {
    String reason =
        "server "
            + config.serverId()
            + " shut down while the job was still running (grace "
            + config.shutdownGrace()
            + "); released to the head of its queue without spending an attempt";
    long sent = liveness.now();
    try {
      if (storage.finish(lease, null, new RunOutcome.Released(reason))) {
        liveness.proved(sent);
      }
    } catch (RuntimeException e) {
      log.warn("could not release job {} ({}); deregistering will", lease.jobId(), e.toString());
    }
  }

  private void joinClaimThread() {
    if (claimThread == null) {
      return;
    }
    try {
      claimThread.join(CLAIM_JOIN_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Threads writing outcomes: one per four workers, at most four, so batches form while others are
   * written, and a storage whose {@code finishAll} loops over {@code finish} is not held to one job
   * at a time.
   */
  static int committers(int workers) {
    return Math.max(1, Math.min(MAX_COMMITTERS, workers / 4));
  }

  private void submitOutcome(JobRunner.Elected elected) {
    committer.submit(elected);
  }

  private void outcomeWritten(RunningJob job) {
    handOvers.outcomeWritten(job.lease());
  }

  private void workerFreed() {
    claimLoop.workerFreed();
  }

  /**
   * Free worker slots, less the outcomes waiting to be written beyond one batch: when the storage
   * writes slower than jobs finish, claiming slows down instead of the backlog growing.
   */
  private int claimableWorkers() {
    return workers.free() - Math.max(0, committer.pending() - config.claimBatchSize());
  }

  private void tickHeartbeat() {
    if (!frozen) {
      heartbeat.scheduledBeat();
    }
  }

  private void flushReports() {
    if (!frozen) {
      workers.running().forEach(RunningJob::flushReports);
    }
  }

  private void stopThreads() {
    claimLoop.stop();
    plugins.forEach(BatonServer::stopQuietly);
    if (subscription != null) {
      try {
        subscription.close();
      } catch (RuntimeException e) {
        log.debug("closing the storage subscription failed", e);
      }
    }
    heartbeatThread.shutdownNow();
    watchdogThread.shutdownNow();
    pluginScheduler.shutdownNow();
    timeouts.close();
    workers.shutdownNow();
    if (claimThread != null) {
      claimThread.interrupt();
    }
    committerThreads.forEach(Thread::interrupt);
  }

  private static void stopQuietly(ServerPlugin plugin) {
    try {
      plugin.stop();
    } catch (RuntimeException e) {
      log.warn("plugin {} failed to stop", plugin.name(), e);
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "unknown";
    }
  }

  /** Storage pushes: wake the claim loop, cancel revoked jobs within a second. */
  private final class Listener implements StorageListener {
    @Override
    public void jobsAvailable(String queue) {
      if (!frozen && config.queues().contains(queue)) {
        claimLoop.wake();
      }
    }

    /** A job handed over to this server: started at once, at most once per lease. */
    @Override
    public void jobHandedOver(LeasedJob job) {
      if (!frozen
          && config.serverId().equals(job.lease().serverId())
          && handOvers.handedOver(job)) {
        claimLoop.handedOver();
      }
    }

    /** Pushes sent while the channel was down are lost: claim now, and look for hand-overs. */
    @Override
    public void pushResumed() {
      if (frozen) {
        return;
      }
      claimLoop.wake();
      if (storage.handsOver()) {
        handOvers.recoverInBackground();
      }
    }

    @Override
    public void leaseRevoked(Lease revoked) {
      revoke(revoked.serverId(), revoked.jobId(), revoked.token());
    }

    @Override
    public void leaseRevoked(String serverId, JobId jobId) {
      revoke(serverId, jobId, Long.MAX_VALUE);
    }

    /** Cancels the job's run here if it holds the revoked lease or an older one. */
    private void revoke(String serverId, JobId jobId, long token) {
      if (frozen || !config.serverId().equals(serverId)) {
        return;
      }
      RunningJob job = workers.get(jobId);
      if (job == null) {
        return;
      }
      if (job.fencingToken() > token) {
        log.debug(
            "job {}: revocation of token {} came after the job was claimed again (token {});"
                + " the run goes on",
            jobId,
            token,
            job.fencingToken());
        return;
      }
      if (job.revoked()) {
        log.info("job {} on server {} lost its lease (revoked); cancelling it", jobId, serverId);
      }
    }
  }

  private record Context(
      JobStorage storage,
      String serverId,
      ScheduledExecutorService scheduler,
      JobSpecFactory specs,
      List<ServerEventListener> listeners)
      implements PluginContext {
    @Override
    public void announce(dev.baton.storage.ServerEvent event) {
      for (ServerEventListener listener : listeners) {
        try {
          listener.onEvent(event);
        } catch (RuntimeException e) {
          log.warn("server event listener {} threw on {}; skipped", listener, event.kind(), e);
        }
      }
    }
  }

  /** Collects the configuration, handlers, filters and extra plugins of a server. */
  public static final class Builder {
    private final JobStorage storage;
    private BatonServerConfig config = BatonServerConfig.defaults();
    private JsonCodec json = new JsonCodec();
    private final Handlers.Builder handlers = new Handlers.Builder();
    private final List<JobFilter> filters = new ArrayList<>();
    private final List<ServerPlugin> plugins = new ArrayList<>();
    private final List<ServerEventListener> eventListeners = new ArrayList<>();
    private boolean retryFilter = true;
    private Ticker ticker = Ticker.SYSTEM;

    private Builder(JobStorage storage) {
      this.storage = Objects.requireNonNull(storage, "storage");
    }

    public Builder config(BatonServerConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /** The codec that reads job arguments; must match the clients' (default: {@link JsonCodec}). */
    public Builder json(JsonCodec json) {
      this.json = Objects.requireNonNull(json, "json");
      return this;
    }

    /** Runs jobs of {@code type} with {@code handler}. A type may have one handler. */
    public <A> Builder handle(JobType<A> type, JobHandler<A> handler) {
      handlers.add(type, handler);
      return this;
    }

    /** Adds a filter, after the default {@link RetryFilter} and the filters added before. */
    public Builder filter(JobFilter filter) {
      filters.add(Objects.requireNonNull(filter, "filter"));
      return this;
    }

    /** Adds a listener of the server events this server causes (a peer declared dead, ...). */
    public Builder listener(ServerEventListener listener) {
      eventListeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Leaves out the default {@link RetryFilter}: every failure is final. */
    public Builder withoutRetryFilter() {
      this.retryFilter = false;
      return this;
    }

    /** Adds a plugin (e.g. recurring jobs), started after the built-in ones. */
    public Builder plugin(ServerPlugin plugin) {
      plugins.add(Objects.requireNonNull(plugin, "plugin"));
      return this;
    }

    /**
     * The monotonic clock the server measures its proof of life by (default {@link Ticker#SYSTEM}).
     * A test seam: a manual ticker makes the proof stale at once, so tests of the self-fence need
     * not wait for the server timeout.
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * The server, not started yet. Fails if the storage says one of its calls may block ({@link
     * CallTimeouts#longestCall()}) as long as the server's proof of life may age ({@link
     * BatonServerConfig#selfFenceAfter()}): a beat stuck in such a call would fence a healthy
     * server, with no second beat to save it.
     */
    public BatonServer build() {
      Collection<String> names = plugins.stream().map(ServerPlugin::name).toList();
      if (names.stream().distinct().count() != names.size()) {
        throw new BatonException("two plugins share a name: " + names);
      }
      if (storage instanceof CallTimeouts timeouts) {
        checkCallTimeouts(timeouts.longestCall(), config);
      }
      return new BatonServer(this);
    }
  }

  /** See {@link Builder#build()}. */
  static void checkCallTimeouts(Duration longestCall, BatonServerConfig config) {
    Duration fence = config.selfFenceAfter();
    if (longestCall.compareTo(fence) < 0) {
      return;
    }
    // The shortest serverTimeout that would do: t - max(heartbeat, t / 4) > longestCall.
    Duration byBeat = longestCall.plus(config.heartbeatInterval());
    Duration byQuarter = longestCall.multipliedBy(4).dividedBy(3);
    Duration bound = byBeat.compareTo(byQuarter) > 0 ? byBeat : byQuarter;
    Duration enough = Duration.ofMillis(bound.toMillis() + 1);
    throw new IllegalArgumentException(
        "invalid server configuration: a storage call may block for "
            + longestCall
            + " (the storage's command or statement timeout), as long as or longer than"
            + " serverTimeout "
            + config.serverTimeout()
            + " minus the self-fence margin "
            + config.selfFenceMargin()
            + " = "
            + fence
            + ", which a server's proof of life may age before it cancels its jobs; lower the"
            + " storage's call timeout below "
            + fence
            + " or raise serverTimeout to at least "
            + enough);
  }
}
