package dev.baton.dashboard;

import dev.baton.client.BatonClient;
import dev.baton.dashboard.api.Backend;
import dev.baton.dashboard.api.Json;
import dev.baton.dashboard.http.HttpRequest;
import dev.baton.dashboard.http.HttpResponse;
import dev.baton.dashboard.http.Route;
import dev.baton.dashboard.http.Router;
import dev.baton.dashboard.security.AuditLog;
import dev.baton.dashboard.security.Authorizer;
import dev.baton.dashboard.security.Csrf;
import dev.baton.dashboard.security.LoopbackOnly;
import dev.baton.dashboard.security.Secrets;
import dev.baton.job.JobType;
import dev.baton.storage.JobMonitor;
import dev.baton.storage.JobStorage;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard and REST API over one storage, independent of any HTTP server: {@link
 * #handle(HttpRequest)} answers a request. Serve it with {@code
 * dev.baton.dashboard.jdk.DashboardServer} or mount {@code
 * dev.baton.dashboard.servlet.BatonDashboardServlet}.
 *
 * <pre>{@code
 * Dashboard dashboard = Dashboard.builder(storage)
 *     .jobTypes(List.of(VIDEO, REPORT))
 *     .authorizer(BasicAuthorizer.builder().user("alice", hash, Role.ADMIN).build())
 *     .build();
 * DashboardServer web = DashboardServer.start(dashboard, DashboardServer.Options.defaults());
 * }</pre>
 *
 * Thread-safe. {@link #close()} stops its background threads (event ticks, bulk operations).
 */
public final class Dashboard implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Dashboard.class);

  private final DashboardConfig config;
  private final Backend backend;
  private final DashboardRoutes routes;
  private final Dispatcher dispatcher;

  private Dashboard(DashboardConfig config, JobStorage storage, BatonClient client) {
    this.config = config;
    Json json = new Json();
    this.backend =
        new Backend(
            storage,
            (JobMonitor) storage,
            client,
            client.recurring(),
            json,
            config,
            new AuditLog(),
            new Csrf(config.csrfSecret(), config.publicOrigins()));
    this.routes = new DashboardRoutes(backend);
    this.dispatcher = new Dispatcher(new Router(routes.table()), backend);
    log.info("baton dashboard ready: {}", config);
  }

  /** Starts a dashboard over {@code storage}, which must also be a {@link JobMonitor}. */
  public static Builder builder(JobStorage storage) {
    return new Builder(storage);
  }

  /** Answers one request (any thread). */
  public HttpResponse handle(HttpRequest request) {
    return dispatcher.dispatch(request);
  }

  public DashboardConfig config() {
    return config;
  }

  /** The route table, in matching order. */
  public List<Route> routes() {
    return routes.table();
  }

  /** Closes open event streams and stops background work; the storage stays open. */
  @Override
  public void close() {
    routes.close();
  }

  /** Configures a {@link Dashboard}; checked in {@link #build()}. */
  public static final class Builder {
    private final JobStorage storage;
    private final Map<String, JobType<?>> jobTypes = new LinkedHashMap<>();
    private Authorizer authorizer;
    private boolean allowAnonymousRemote;
    private BatonClient client;
    private int maxBodyBytes = DashboardConfig.DEFAULT_MAX_BODY_BYTES;
    private byte[] csrfSecret;
    private int maxEventStreams = DashboardConfig.DEFAULT_MAX_EVENT_STREAMS;
    private Duration eventStreamLifetime = DashboardConfig.DEFAULT_EVENT_STREAM_LIFETIME;
    private Duration eventInterval = DashboardConfig.DEFAULT_EVENT_INTERVAL;
    private Duration deleteRetention = DashboardConfig.DEFAULT_DELETE_RETENTION;
    private int maxRunningBulk = DashboardConfig.DEFAULT_MAX_RUNNING_BULK;
    private int bulkBatchSize = DashboardConfig.DEFAULT_BULK_BATCH_SIZE;
    private final Set<String> publicOrigins = new LinkedHashSet<>();

    private Builder(JobStorage storage) {
      this.storage = Objects.requireNonNull(storage, "storage");
    }

    /** The job types {@code POST /api/v1/jobs} and recurring definitions may use. */
    public Builder jobTypes(List<? extends JobType<?>> types) {
      for (JobType<?> t : types) {
        if (jobTypes.putIfAbsent(t.name(), t) != null) {
          throw new IllegalArgumentException(
              "invalid dashboard configuration: job type '" + t.name() + "' is given twice");
        }
      }
      return this;
    }

    /** Who may call; default {@link LoopbackOnly}. */
    public Builder authorizer(Authorizer authorizer) {
      this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
      return this;
    }

    /**
     * Allows serving a non-loopback address without an authorizer: every caller is then an
     * anonymous admin. Only behind something that authenticates; default false.
     */
    public Builder allowAnonymousRemote(boolean allow) {
      this.allowAnonymousRemote = allow;
      return this;
    }

    /** The client that creates jobs (its JSON codec and limits); default one over the storage. */
    public Builder client(BatonClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    public Builder maxBodyBytes(int bytes) {
      this.maxBodyBytes = bytes;
      return this;
    }

    /** The CSRF key (at least 32 bytes); share it between instances behind one address. */
    public Builder csrfSecret(byte[] secret) {
      this.csrfSecret = Objects.requireNonNull(secret, "csrfSecret").clone();
      return this;
    }

    /**
     * Origins, besides the dashboard's own, from which a browser may change state: what users type
     * when a reverse proxy in front of the dashboard rewrites {@code Host} or ends TLS, such as
     * {@code https://jobs.example.com}. Scheme, host and port only.
     *
     * @throws IllegalArgumentException if one is not such an origin (the message says which)
     */
    public Builder publicOrigins(String... origins) {
      for (String origin : origins) {
        publicOrigins.add(Csrf.normalizeOrigin(origin));
      }
      return this;
    }

    public Builder maxEventStreams(int streams) {
      this.maxEventStreams = streams;
      return this;
    }

    public Builder eventStreamLifetime(Duration lifetime) {
      this.eventStreamLifetime = lifetime;
      return this;
    }

    public Builder eventInterval(Duration interval) {
      this.eventInterval = interval;
      return this;
    }

    public Builder deleteRetention(Duration retention) {
      this.deleteRetention = retention;
      return this;
    }

    public Builder maxRunningBulk(int running) {
      this.maxRunningBulk = running;
      return this;
    }

    public Builder bulkBatchSize(int size) {
      this.bulkBatchSize = size;
      return this;
    }

    public Dashboard build() {
      if (!(storage instanceof JobMonitor)) {
        fail("storage " + storage.getClass().getName() + " is not a JobMonitor");
      }
      check(maxBodyBytes >= 1024, "maxBodyBytes must be at least 1024, got " + maxBodyBytes);
      check(maxEventStreams >= 1, "maxEventStreams must be at least 1, got " + maxEventStreams);
      checkPositive("eventStreamLifetime", eventStreamLifetime);
      checkPositive("eventInterval", eventInterval);
      checkPositive("deleteRetention", deleteRetention);
      check(maxRunningBulk >= 1, "maxRunningBulk must be at least 1, got " + maxRunningBulk);
      check(
          bulkBatchSize >= 1 && bulkBatchSize <= 500,
          "bulkBatchSize must be 1..500, got " + bulkBatchSize);
      check(
          csrfSecret == null || csrfSecret.length >= 32,
          "csrfSecret must be at least 32 bytes, got "
              + (csrfSecret == null ? 0 : csrfSecret.length));
      boolean custom = authorizer != null;
      Authorizer effective =
          custom
              ? authorizer
              : allowAnonymousRemote ? Authorizer.anonymousAdmin() : new LoopbackOnly();
      DashboardConfig config =
          new DashboardConfig(
              jobTypes,
              effective,
              custom,
              allowAnonymousRemote,
              maxBodyBytes,
              csrfSecret == null ? Secrets.random(32) : csrfSecret,
              maxEventStreams,
              eventStreamLifetime,
              eventInterval,
              deleteRetention,
              maxRunningBulk,
              bulkBatchSize,
              publicOrigins);
      return new Dashboard(config, storage, client == null ? BatonClient.create(storage) : client);
    }

    private static void checkPositive(String name, Duration d) {
      check(d != null && !d.isNegative() && !d.isZero(), name + " must be positive, got " + d);
    }

    private static void check(boolean ok, String message) {
      if (!ok) {
        fail(message);
      }
    }

    private static void fail(String message) {
      throw new IllegalArgumentException("invalid dashboard configuration: " + message);
    }
  }
}
