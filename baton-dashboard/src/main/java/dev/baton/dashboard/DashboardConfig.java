package dev.baton.dashboard;

import dev.baton.dashboard.security.Authorizer;
import dev.baton.dashboard.security.LoopbackOnly;
import dev.baton.job.JobType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A dashboard's settings, immutable and validated by {@link Dashboard.Builder#build()}.
 *
 * @param jobTypes the job types {@code POST /api/v1/jobs} may create, by name
 * @param authorizer who may call; {@link LoopbackOnly} unless one was given
 * @param customAuthorizer whether {@code authorizer} was given (not the loopback default)
 * @param allowAnonymousRemote whether the JDK server may bind a non-loopback address without an
 *     authorizer (then every caller is an anonymous admin)
 * @param maxBodyBytes largest request body read, default {@value #DEFAULT_MAX_BODY_BYTES}
 * @param csrfSecret the key of the CSRF tokens (random per dashboard unless given, so tokens of
 *     several instances behind one address agree only if they share it)
 * @param maxEventStreams open event streams at most, default {@value #DEFAULT_MAX_EVENT_STREAMS}
 * @param eventStreamLifetime an event stream is closed after this long (the browser reconnects), so
 *     no connection is held forever; default 5 minutes
 * @param eventInterval how often streams get {@code stats}; default 1 second
 * @param deleteRetention how long a job deleted from the dashboard stays visible; default 1 day
 * @param maxRunningBulk bulk operations running at once, default {@value #DEFAULT_MAX_RUNNING_BULK}
 * @param bulkBatchSize jobs read per storage search of a bulk operation, default {@value
 *     #DEFAULT_BULK_BATCH_SIZE}
 * @param publicOrigins origins, besides the dashboard's own, whose browser requests may change
 *     state: the address users type when a reverse proxy rewrites {@code Host} or ends TLS; none by
 *     default
 */
public record DashboardConfig(
    Map<String, JobType<?>> jobTypes,
    Authorizer authorizer,
    boolean customAuthorizer,
    boolean allowAnonymousRemote,
    int maxBodyBytes,
    byte[] csrfSecret,
    int maxEventStreams,
    Duration eventStreamLifetime,
    Duration eventInterval,
    Duration deleteRetention,
    int maxRunningBulk,
    int bulkBatchSize,
    Set<String> publicOrigins) {
  public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
  public static final int DEFAULT_MAX_EVENT_STREAMS = 100;
  public static final Duration DEFAULT_EVENT_STREAM_LIFETIME = Duration.ofMinutes(5);
  public static final Duration DEFAULT_EVENT_INTERVAL = Duration.ofSeconds(1);
  public static final Duration DEFAULT_DELETE_RETENTION = Duration.ofDays(1);
  public static final int DEFAULT_MAX_RUNNING_BULK = 2;
  public static final int DEFAULT_BULK_BATCH_SIZE = 200;

  public DashboardConfig {
    jobTypes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(jobTypes));
    csrfSecret = csrfSecret.clone();
    publicOrigins = Set.copyOf(publicOrigins);
  }

  /** The names of the job types the dashboard can create, in the order given. */
  public List<String> jobTypeNames() {
    return new ArrayList<>(jobTypes.keySet());
  }

  @Override
  public byte[] csrfSecret() {
    return csrfSecret.clone();
  }

  @Override
  public String toString() {
    return "DashboardConfig{jobTypes="
        + jobTypes.keySet()
        + ", authorizer="
        + authorizer
        + ", allowAnonymousRemote="
        + allowAnonymousRemote
        + ", maxBodyBytes="
        + maxBodyBytes
        + ", maxEventStreams="
        + maxEventStreams
        + ", eventStreamLifetime="
        + eventStreamLifetime
        + ", eventInterval="
        + eventInterval
        + ", deleteRetention="
        + deleteRetention
        + ", maxRunningBulk="
        + maxRunningBulk
        + ", bulkBatchSize="
        + bulkBatchSize
        + ", publicOrigins="
        + publicOrigins
        + "}";
  }
}
