package dev.baton.micrometer;

import dev.baton.client.ClientListener;
import dev.baton.filter.JobFilter;
import dev.baton.server.BatonServer;
import dev.baton.server.ServerEventListener;
import dev.baton.storage.JobMonitor;
import dev.baton.storage.JobStorage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.Objects;

/**
 * Micrometer meters for Baton, through the core's hooks only: a {@link JobFilter} on servers, a
 * {@link ClientListener} on clients, a {@link ServerEventListener} for rescues, and gauges read
 * from the storage's counts. One instance per registry; no static state. The meters and their tags
 * are listed in docs/metrics.md.
 *
 * <pre>{@code
 * BatonMetrics metrics = BatonMetrics.builder(registry).build();
 * BatonServer server = metrics.install(BatonServer.builder(storage)).handle(TYPE, handler).build();
 * BatonClient client = BatonClient.builder(storage).listener(metrics.clientListener(storage)).build();
 * metrics.bindStorage(client.monitor()); // queue and server gauges, on one process or each
 * }</pre>
 */
public final class BatonMetrics {
  /** Jobs created through a client (not duplicates), by type and queue. */
  public static final String ENQUEUED = "baton.jobs.enqueued";

  public static final String SUCCEEDED = "baton.jobs.succeeded";
  public static final String FAILED = "baton.jobs.failed";
  public static final String RETRIED = "baton.jobs.retried";
  public static final String DELETED = "baton.jobs.deleted";
  public static final String EXECUTION = "baton.job.execution";
  public static final String QUEUE_WAIT = "baton.job.queue.wait";
  public static final String QUEUE_DEPTH = "baton.queue.depth";
  public static final String QUEUE_BLOCKED = "baton.queue.blocked";
  public static final String QUEUE_PROCESSING = "baton.queue.processing";
  public static final String QUEUE_SCHEDULED = "baton.queue.scheduled";
  public static final String SERVERS_ALIVE = "baton.servers.alive";
  public static final String SERVERS_RESCUED = "baton.servers.rescued";
  public static final String JOBS_RESCUED = "baton.jobs.rescued";

  public static final String TAG_TYPE = "type";
  public static final String TAG_QUEUE = "queue";
  public static final String TAG_OUTCOME = "outcome";

  /** Distinct job types tagged as themselves; later ones are tagged {@code other}. */
  public static final int DEFAULT_MAX_JOB_TYPES = 100;

  /** Distinct queues tagged as themselves; later ones are tagged {@code other}. */
  public static final int DEFAULT_MAX_QUEUES = 50;

  /** How old the storage's counts behind the gauges may grow before a gauge read asks again. */
  public static final Duration DEFAULT_GAUGE_REFRESH = Duration.ofSeconds(10);

  private final MeterRegistry registry;
  private final Tags common;
  private final Duration gaugeRefresh;
  private final JobMeters meters;
  private final JobFilter filter;
  private final ServerEventListener serverListener;

  private BatonMetrics(Builder b) {
    this.registry = b.registry;
    this.common = b.tags;
    this.gaugeRefresh = b.gaugeRefresh;
    this.meters = new JobMeters(registry, common, b.maxJobTypes, b.maxQueues, b.histograms);
    this.filter = new MetricsFilter(meters);
    this.serverListener = new RescueCounter(registry, common);
  }

  public static Builder builder(MeterRegistry registry) {
    return new Builder(registry);
  }

  /** The per-job meters (tests). */
  JobMeters meters() {
    return meters;
  }

  /** The registry the meters are in. */
  public MeterRegistry registry() {
    return registry;
  }

  /**
   * The server-side filter: outcome counters and the two timers. Add it to each server (or use
   * {@link #install}); one filter serves any number of servers.
   */
  public JobFilter jobFilter() {
    return filter;
  }

  /** Counts the dead servers this server declared dead and the jobs it took back from them. */
  public ServerEventListener serverListener() {
    return serverListener;
  }

  /** Adds {@link #jobFilter()} and {@link #serverListener()} to a server being built. */
  public BatonServer.Builder install(BatonServer.Builder server) {
    return server.filter(filter).listener(serverListener);
  }

  /**
   * The client-side listener: {@value #ENQUEUED} for each job a client created, {@value #DELETED}
   * for each job it deleted. A delete is tagged by the deleted job's type and queue, read back with
   * {@link JobMonitor#job} from {@code storage} (one read per delete; tags {@code unknown} if the
   * storage is no {@link JobMonitor} or the read fails).
   */
  public ClientListener clientListener(JobStorage storage) {
    return new ClientMeters(meters, storage instanceof JobMonitor m ? m : null);
  }

  /**
   * Registers the storage gauges ({@value #QUEUE_DEPTH}, {@value #QUEUE_BLOCKED}, {@value
   * #QUEUE_PROCESSING}, {@value #QUEUE_SCHEDULED} per queue, {@value #SERVERS_ALIVE}), read from
   * {@code monitor} at most once per gauge refresh interval. The values are the storage's, the same
   * on every process: bind them on one process, or aggregate them with max, not sum.
   */
  public StorageGauges bindStorage(JobMonitor monitor) {
    return new StorageGauges(
        Objects.requireNonNull(monitor, "monitor"),
        registry,
        common,
        meters.queues(),
        gaugeRefresh,
        System::nanoTime);
  }

  /** Counts rescues: each one is heard on the one server that made it. */
  private static final class RescueCounter implements ServerEventListener {
    private final Counter servers;
    private final Counter jobs;

    RescueCounter(MeterRegistry registry, Tags common) {
      this.servers =
          Counter.builder(SERVERS_RESCUED)
              .tags(common)
              .description("servers declared dead by this process's servers")
              .register(registry);
      this.jobs =
          Counter.builder(JOBS_RESCUED)
              .tags(common)
              .description("jobs taken back from servers declared dead")
              .register(registry);
    }

    @Override
    public void onEvent(dev.baton.storage.ServerEvent event) {
      if (event.kind() == dev.baton.storage.ServerEvent.Kind.DECLARED_DEAD) {
        servers.increment();
        jobs.increment(event.jobs());
      }
    }
  }

  /** Configures {@link BatonMetrics}; values are checked as they are set. */
  public static final class Builder {
    private final MeterRegistry registry;
    private Tags tags = Tags.empty();
    private int maxJobTypes = DEFAULT_MAX_JOB_TYPES;
    private int maxQueues = DEFAULT_MAX_QUEUES;
    private Duration gaugeRefresh = DEFAULT_GAUGE_REFRESH;
    private boolean histograms = true;

    private Builder(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Tags added to every Baton meter (say, the application's name). */
    public Builder tags(Iterable<Tag> tags) {
      this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
      return this;
    }

    /** Default {@value #DEFAULT_MAX_JOB_TYPES}; at least 1. */
    public Builder maxJobTypes(int max) {
      this.maxJobTypes = atLeastOne("maxJobTypes", max);
      return this;
    }

    /** Default {@value #DEFAULT_MAX_QUEUES}; at least 1. */
    public Builder maxQueues(int max) {
      this.maxQueues = atLeastOne("maxQueues", max);
      return this;
    }

    /** Default 10 s; positive. */
    public Builder gaugeRefresh(Duration refresh) {
      if (refresh == null || refresh.isNegative() || refresh.isZero()) {
        throw new IllegalArgumentException(
            "invalid metrics configuration: gaugeRefresh must be a positive duration, got "
                + refresh);
      }
      this.gaugeRefresh = refresh;
      return this;
    }

    /**
     * Whether the two timers publish percentile histograms (buckets up to 1 h); default true. Off
     * for a registry that bills per time series.
     */
    public Builder percentileHistograms(boolean on) {
      this.histograms = on;
      return this;
    }

    public BatonMetrics build() {
      return new BatonMetrics(this);
    }

    private static int atLeastOne(String field, int value) {
      if (value < 1) {
        throw new IllegalArgumentException(
            "invalid metrics configuration: " + field + " must be at least 1, got " + value);
      }
      return value;
    }
  }
}
