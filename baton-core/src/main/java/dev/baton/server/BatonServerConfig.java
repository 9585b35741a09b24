package dev.baton.server;

import dev.baton.storage.JobSpec;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The immutable, validated configuration of one {@link BatonServer}. Every default is a named
 * constant below; {@link Builder#build()} rejects a bad value with a message naming the field and
 * the value, and never corrects it silently.
 *
 * <pre>{@code
 * BatonServerConfig config =
 *     BatonServerConfig.builder().queues("critical", "default").workers(8).build();
 * }</pre>
 */
public final class BatonServerConfig {
  public static final List<String> DEFAULT_QUEUES = List.of(JobSpec.DEFAULT_QUEUE);

  /**
   * {@code max(16, 4 * cores)}, at most 64. Jobs are mostly I/O-bound, and with fewer workers a
   * busy server pays a claim round trip for every few jobs: on a 2-core machine with PostgreSQL, 4
   * workers drained about half the no-op jobs per second that 16 did. CPU-bound jobs want fewer.
   */
  public static final int DEFAULT_WORKERS =
      Math.min(64, Math.max(16, 4 * Runtime.getRuntime().availableProcessors()));

  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(2);
  public static final Duration DEFAULT_SERVER_TIMEOUT = Duration.ofSeconds(8);

  /**
   * The shortest server timeout accepted. A conservative floor until measured: a beat must come
   * through within {@link #selfFenceAfter()}, and on a loaded 2-core machine scheduling alone has
   * delayed beats by hundreds of milliseconds (to be checked against heartbeat lateness under the
   * full throughput benchmark).
   */
  public static final Duration MIN_SERVER_TIMEOUT = Duration.ofSeconds(1);

  /**
   * The server timeout must be at least this many heartbeat intervals, so that {@link
   * #selfFenceAfter()} is at least two intervals: one beat may be lost or late by a whole interval
   * without the server fencing itself.
   */
  public static final int MIN_BEATS_PER_TIMEOUT = 3;

  /**
   * Longest default gap between two looks for dead servers (shorter when the heartbeat is): a
   * killed server's jobs run elsewhere at most {@code serverTimeout + rescueInterval} after the
   * kill, 9 s with the defaults.
   */
  public static final Duration DEFAULT_MAX_RESCUE_INTERVAL = Duration.ofSeconds(1);

  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(15);
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(2);
  public static final int DEFAULT_CLAIM_BATCH_SIZE = 50;
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(1);

  /** Failed jobs are kept until someone deletes or requeues them, unless a retention is set. */
  public static final Duration DEFAULT_FAILED_RETENTION = null;

  public static final Duration DEFAULT_PROMOTION_INTERVAL = Duration.ofMillis(500);
  public static final Duration DEFAULT_PURGE_INTERVAL = Duration.ofMinutes(1);
  public static final int DEFAULT_PURGE_BATCH_SIZE = 500;
  public static final Duration DEFAULT_REPORT_FLUSH_INTERVAL = Duration.ofSeconds(1);
  public static final boolean DEFAULT_INTERRUPT_ON_CANCEL = false;

  /**
   * After a job's execution timeout fired its token: how long until its thread is interrupted, and
   * as long again until a handler that still has not returned is given up.
   */
  public static final Duration DEFAULT_TIMEOUT_GRACE = Duration.ofSeconds(5);

  /**
   * How long a job of a type this server has no handler for waits for a server that has one: the
   * length of a rolling deploy, where new code enqueues a type the old servers do not know yet.
   */
  public static final Duration DEFAULT_UNKNOWN_TYPE_GRACE = Duration.ofMinutes(10);

  /** Outcome counters and server events are recorded when the storage can keep them. */
  public static final boolean DEFAULT_STATS = true;

  public static final int MAX_WORKERS = 10_000;

  private final String serverId;
  private final List<String> queues;
  private final int workers;
  private final Duration heartbeatInterval;
  private final Duration serverTimeout;
  private final Duration shutdownGrace;
  private final Duration pollInterval;
  private final int claimBatchSize;
  private final Duration retention;
  private final Duration promotionInterval;
  private final Duration purgeInterval;
  private final int purgeBatchSize;
  private final Duration rescueInterval;
  private final Duration reportFlushInterval;
  private final boolean interruptOnCancel;
  private final Duration timeoutGrace;
  private final Duration unknownTypeGrace;
  private final Duration failedRetention;
  private final boolean stats;

  private BatonServerConfig(Builder b) {
    this.serverId = b.serverId == null ? defaultServerId() : b.serverId;
    this.queues = List.copyOf(b.queues);
    this.workers = b.workers;
    this.heartbeatInterval = b.heartbeatInterval;
    this.serverTimeout = b.serverTimeout;
    this.shutdownGrace = b.shutdownGrace;
    this.pollInterval = b.pollInterval;
    this.claimBatchSize = b.claimBatchSize;
    this.retention = b.retention;
    this.promotionInterval = b.promotionInterval;
    this.purgeInterval = b.purgeInterval;
    this.purgeBatchSize = b.purgeBatchSize;
    this.rescueInterval =
        b.rescueInterval != null
            ? b.rescueInterval
            : b.heartbeatInterval.compareTo(DEFAULT_MAX_RESCUE_INTERVAL) < 0
                ? b.heartbeatInterval
                : DEFAULT_MAX_RESCUE_INTERVAL;
    this.reportFlushInterval = b.reportFlushInterval;
    this.interruptOnCancel = b.interruptOnCancel;
    this.timeoutGrace = b.timeoutGrace;
    this.unknownTypeGrace = b.unknownTypeGrace;
    this.failedRetention = b.failedRetention;
    this.stats = b.stats;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The defaults, for a server on the {@code default} queue. */
  public static BatonServerConfig defaults() {
    return builder().build();
  }

  /** {@code host-pid-xxxx}: readable in dashboards, unique across restarts. */
  static String defaultServerId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "localhost";
    }
    host = host.replaceAll("[^A-Za-z0-9.-]", "");
    if (host.length() > 40) {
      host = host.substring(0, 40);
    }
    String pid = ManagementFactory.getRuntimeMXBean().getName().split("@")[0];
    String random = Integer.toHexString(0x10000 + ThreadLocalRandom.current().nextInt(0xF0000));
    return host + "-" + pid + "-" + random;
  }

  /** Unique id of this server in the storage; default {@code host-pid-random}. */
  public String serverId() {
    return serverId;
  }

  /** Queues claimed from, in priority order; default {@code [default]}. */
  public List<String> queues() {
    return queues;
  }

  /** Jobs run at once; default {@code max(16, 4 * cores)}, at most 64. */
  public int workers() {
    return workers;
  }

  /** How often the server beats; default 2 s. */
  public Duration heartbeatInterval() {
    return heartbeatInterval;
  }

  /**
   * Silence after which a peer declares a server dead and requeues its jobs; default 8 s, at least
   * {@link #MIN_SERVER_TIMEOUT} and {@link #MIN_BEATS_PER_TIMEOUT} heartbeat intervals. The server
   * itself stops its jobs earlier, at {@link #selfFenceAfter()}.
   */
  public Duration serverTimeout() {
    return serverTimeout;
  }

  /**
   * The safety margin of the self-fence: {@code max(heartbeatInterval, serverTimeout / 4)}, 2 s
   * with the defaults. See {@link #selfFenceAfter()}.
   */
  public Duration selfFenceMargin() {
    Duration quarter = serverTimeout.dividedBy(4);
    return heartbeatInterval.compareTo(quarter) > 0 ? heartbeatInterval : quarter;
  }

  /**
   * How old this server's proof of life (the send time, by its own monotonic clock, of its last
   * heartbeat, claim or applied finish) may grow before it fences itself: it then starts and claims
   * nothing and cancels every job it runs. {@code serverTimeout - selfFenceMargin()}, 6 s with the
   * defaults. A peer may declare it dead only {@code serverTimeout} after that send time, so the
   * margin is what its jobs have to stop before anyone else may start them, and what covers a
   * storage clock that jumps forward and the watchdog's own lateness. At least two heartbeat
   * intervals (since {@code serverTimeout >= 3 * heartbeatInterval}), so one lost beat fences
   * nothing.
   */
  public Duration selfFenceAfter() {
    return serverTimeout.minus(selfFenceMargin());
  }

  /** How long shutdown waits for cancelled jobs to end before releasing them; default 15 s. */
  public Duration shutdownGrace() {
    return shutdownGrace;
  }

  /** Safety-net claim poll when no wake-up arrives; default 2 s. */
  public Duration pollInterval() {
    return pollInterval;
  }

  /** Most jobs claimed in one storage call (never more than free workers); default 50. */
  public int claimBatchSize() {
    return claimBatchSize;
  }

  /** How long succeeded jobs are kept; default 1 day. */
  public Duration retention() {
    return retention;
  }

  /** How often due scheduled jobs are promoted; default 500 ms. */
  public Duration promotionInterval() {
    return promotionInterval;
  }

  /** How often expired jobs are purged; default 1 min. */
  public Duration purgeInterval() {
    return purgeInterval;
  }

  /** Most jobs purged per storage call; default 500. */
  public int purgeBatchSize() {
    return purgeBatchSize;
  }

  /**
   * How often dead servers are looked for; default 1 s, or the heartbeat interval when that is
   * shorter. A killed server's jobs run elsewhere at most {@code serverTimeout + rescueInterval}
   * after the kill.
   */
  public Duration rescueInterval() {
    return rescueInterval;
  }

  /** Longest time job progress and log lines wait in memory before being stored; default 1 s. */
  public Duration reportFlushInterval() {
    return reportFlushInterval;
  }

  /** Whether cancelling a job also interrupts its thread; default false. */
  public boolean interruptOnCancel() {
    return interruptOnCancel;
  }

  /**
   * For jobs with an execution timeout ({@link dev.baton.job.JobOptions#timeout()}): the time from
   * the timeout (token fired) to the interrupt of the job's thread, and from there to giving up a
   * handler that still has not returned (its attempt fails, its worker is replaced); default 5 s.
   */
  public Duration timeoutGrace() {
    return timeoutGrace;
  }

  /**
   * A job of a type this server has no handler for, claimed within this time of its creation, is
   * put back (SCHEDULED, its attempt not spent) for a server that has the handler, after a delay
   * that grows with the job's age (a quarter of it, 1 s to 1 min); claimed later, it fails for
   * good. This is what lets a rolling deploy enqueue a new type while old servers still run. {@code
   * Duration.ZERO}: fail at once. Default 10 minutes.
   */
  public Duration unknownTypeGrace() {
    return unknownTypeGrace;
  }

  /**
   * How long a FAILED job is kept after it failed before the retention plugin deletes it (through
   * DELETED, so an ON_SUCCESS continuation waiting for it is deleted too, then purged); empty (the
   * default) keeps failed jobs until someone deletes or requeues them. Needs a storage that is a
   * {@link dev.baton.storage.JobMonitor}, as every bundled storage is.
   */
  public Optional<Duration> failedRetention() {
    return Optional.ofNullable(failedRetention);
  }

  /**
   * Whether the server records per-minute outcome counters and its server events (started, stopped,
   * peers declared dead) for dashboards, when the storage is a {@link
   * dev.baton.storage.StatsStorage}; default true. Counting costs a map increment per job; the
   * counters are written once a second at most.
   */
  public boolean stats() {
    return stats;
  }

  @Override
  public String toString() {
    return "serverId="
        + serverId
        + ", queues="
        + queues
        + ", workers="
        + workers
        + ", heartbeatInterval="
        + heartbeatInterval
        + ", serverTimeout="
        + serverTimeout
        + ", shutdownGrace="
        + shutdownGrace
        + ", pollInterval="
        + pollInterval
        + ", claimBatchSize="
        + claimBatchSize
        + ", retention="
        + retention
        + ", promotionInterval="
        + promotionInterval
        + ", purgeInterval="
        + purgeInterval
        + ", purgeBatchSize="
        + purgeBatchSize
        + ", rescueInterval="
        + rescueInterval
        + ", reportFlushInterval="
        + reportFlushInterval
        + ", interruptOnCancel="
        + interruptOnCancel
        + ", timeoutGrace="
        + timeoutGrace
        + ", unknownTypeGrace="
        + unknownTypeGrace
        + ", failedRetention="
        + (failedRetention == null ? "forever" : failedRetention)
        + ", stats="
        + stats;
  }

  /** Builds a {@link BatonServerConfig}; everything is checked in {@link #build()}. */
  public static final class Builder {
    private String serverId;
    private List<String> queues = DEFAULT_QUEUES;
    private int workers = DEFAULT_WORKERS;
    private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
    private Duration serverTimeout = DEFAULT_SERVER_TIMEOUT;
    private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;
    private Duration pollInterval = DEFAULT_POLL_INTERVAL;
    private int claimBatchSize = DEFAULT_CLAIM_BATCH_SIZE;
    private Duration retention = DEFAULT_RETENTION;
    private Duration promotionInterval = DEFAULT_PROMOTION_INTERVAL;
    private Duration purgeInterval = DEFAULT_PURGE_INTERVAL;
    private int purgeBatchSize = DEFAULT_PURGE_BATCH_SIZE;
    private Duration rescueInterval;
    private Duration reportFlushInterval = DEFAULT_REPORT_FLUSH_INTERVAL;
    private boolean interruptOnCancel = DEFAULT_INTERRUPT_ON_CANCEL;
    private Duration timeoutGrace = DEFAULT_TIMEOUT_GRACE;
    private Duration unknownTypeGrace = DEFAULT_UNKNOWN_TYPE_GRACE;
    private Duration failedRetention = DEFAULT_FAILED_RETENTION;
    private boolean stats = DEFAULT_STATS;

    private Builder() {}

    public Builder serverId(String serverId) {
      this.serverId = serverId;
      return this;
    }

    public Builder queues(String... queues) {
      return queues(queues == null ? null : java.util.Arrays.asList(queues));
    }

    public Builder queues(List<String> queues) {
      this.queues = queues;
      return this;
    }

    public Builder workers(int workers) {
      this.workers = workers;
      return this;
    }

    public Builder heartbeatInterval(Duration heartbeatInterval) {
      this.heartbeatInterval = heartbeatInterval;
      return this;
    }

    public Builder serverTimeout(Duration serverTimeout) {
      this.serverTimeout = serverTimeout;
      return this;
    }

    public Builder shutdownGrace(Duration shutdownGrace) {
      this.shutdownGrace = shutdownGrace;
      return this;
    }

    public Builder pollInterval(Duration pollInterval) {
      this.pollInterval = pollInterval;
      return this;
    }

    public Builder claimBatchSize(int claimBatchSize) {
      this.claimBatchSize = claimBatchSize;
      return this;
    }

    public Builder retention(Duration retention) {
      this.retention = retention;
      return this;
    }

    public Builder promotionInterval(Duration promotionInterval) {
      this.promotionInterval = promotionInterval;
      return this;
    }

    public Builder purgeInterval(Duration purgeInterval) {
      this.purgeInterval = purgeInterval;
      return this;
    }

    public Builder purgeBatchSize(int purgeBatchSize) {
      this.purgeBatchSize = purgeBatchSize;
      return this;
    }

    public Builder rescueInterval(Duration rescueInterval) {
      this.rescueInterval = rescueInterval;
      return this;
    }

    public Builder reportFlushInterval(Duration reportFlushInterval) {
      this.reportFlushInterval = reportFlushInterval;
      return this;
    }

    public Builder interruptOnCancel(boolean interruptOnCancel) {
      this.interruptOnCancel = interruptOnCancel;
      return this;
    }

    /** See {@link BatonServerConfig#timeoutGrace()}; at least 1 ms. */
    public Builder timeoutGrace(Duration timeoutGrace) {
      if (timeoutGrace == null || timeoutGrace.toMillis() < 1) {
        throw new IllegalArgumentException(
            "timeoutGrace must be at least 1 ms, got " + timeoutGrace);
      }
      this.timeoutGrace = timeoutGrace;
      return this;
    }

    /**
     * See {@link BatonServerConfig#failedRetention()}; positive, or null to keep failed jobs until
     * they are deleted or requeued (the default).
     */
    public Builder failedRetention(Duration failedRetention) {
      if (failedRetention != null && (failedRetention.isNegative() || failedRetention.isZero())) {
        throw new IllegalArgumentException(
            "failedRetention must be positive, or null to keep failed jobs, got "
                + failedRetention);
      }
      this.failedRetention = failedRetention;
      return this;
    }

    /** See {@link BatonServerConfig#unknownTypeGrace()}; zero or positive. */
    public Builder unknownTypeGrace(Duration unknownTypeGrace) {
      if (unknownTypeGrace == null || unknownTypeGrace.isNegative()) {
        throw new IllegalArgumentException(
            "unknownTypeGrace must be zero (fail at once) or positive, got " + unknownTypeGrace);
      }
      this.unknownTypeGrace = unknownTypeGrace;
      return this;
    }

    /**
     * Whether to record outcome counters and server events (see {@link BatonServerConfig#stats()}).
     */
    public Builder stats(boolean stats) {
      this.stats = stats;
      return this;
    }

    /** Validates every setting; throws {@link IllegalArgumentException} naming field and value. */
    public BatonServerConfig build() {
      if (serverId != null && !serverId.matches("[A-Za-z0-9._:@-]{1,100}")) {
        throw invalid("serverId", "'" + serverId + "'", "1 to 100 of [A-Za-z0-9._:@-]");
      }
      if (queues == null || queues.isEmpty()) {
        throw invalid("queues", queues, "at least one queue");
      }
      for (String q : queues) {
        if (!JobSpec.isQueueName(q)) {
          throw invalid(
              "queues", queues, "names matching " + JobSpec.QUEUE_NAME + ", not '" + q + "'");
        }
      }
      if (new HashSet<>(queues).size() != queues.size()) {
        throw invalid("queues", queues, "each queue once");
      }
      if (workers < 1 || workers > MAX_WORKERS) {
        throw invalid("workers", workers, "1 to " + MAX_WORKERS);
      }
      positive("heartbeatInterval", heartbeatInterval);
      positive("serverTimeout", serverTimeout);
      if (serverTimeout.compareTo(MIN_SERVER_TIMEOUT) < 0) {
        throw invalid("serverTimeout", serverTimeout, "at least " + MIN_SERVER_TIMEOUT);
      }
      if (serverTimeout.compareTo(heartbeatInterval.multipliedBy(MIN_BEATS_PER_TIMEOUT)) < 0) {
        throw invalid(
            "serverTimeout",
            serverTimeout,
            "at least "
                + MIN_BEATS_PER_TIMEOUT
                + " times heartbeatInterval ("
                + heartbeatInterval
                + "; lower heartbeatInterval or raise serverTimeout)");
      }
      Objects.requireNonNull(shutdownGrace, "shutdownGrace");
      if (shutdownGrace.isNegative()) {
        throw invalid("shutdownGrace", shutdownGrace, "zero or more");
      }
      positive("pollInterval", pollInterval);
      if (claimBatchSize < 1) {
        throw invalid("claimBatchSize", claimBatchSize, "at least 1");
      }
      positive("retention", retention);
      positive("promotionInterval", promotionInterval);
      positive("purgeInterval", purgeInterval);
      if (purgeBatchSize < 1) {
        throw invalid("purgeBatchSize", purgeBatchSize, "at least 1");
      }
      if (rescueInterval != null) {
        positive("rescueInterval", rescueInterval);
      }
      positive("reportFlushInterval", reportFlushInterval);
      return new BatonServerConfig(this);
    }

    private static void positive(String field, Duration value) {
      if (value == null || value.isZero() || value.isNegative()) {
        throw invalid(field, value, "a positive duration");
      }
    }

    private static IllegalArgumentException invalid(String field, Object value, String expected) {
      return new IllegalArgumentException(
          "invalid server configuration: " + field + " must be " + expected + ", got " + value);
    }
  }
}
