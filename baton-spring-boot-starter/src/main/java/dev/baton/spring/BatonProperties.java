package dev.baton.spring;

import dev.baton.client.BatonClient;
import dev.baton.server.BatonServerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Everything under {@code baton.}. The server settings are laid onto {@link
 * BatonServerConfig.Builder}; a value Baton refuses fails the application's start with the name of
 * the property (this class validates itself, so no Bean Validation provider is needed).
 */
@ConfigurationProperties("baton")
public class BatonProperties implements Validator {
  private final Storage storage = new Storage();
  private final Server server = new Server();
  private final Client client = new Client();
  private final Dashboard dashboard = new Dashboard();

  public Storage getStorage() {
    return storage;
  }

  public Server getServer() {
    return server;
  }

  public Client getClient() {
    return client;
  }

  public Dashboard getDashboard() {
    return dashboard;
  }

  /** Which storage backs the client, the server and the dashboard. */
  public enum StorageType {
    /**
     * The application's {@code DataSource} (PostgreSQL or H2), or {@code baton.storage.jdbc.url}.
     */
    JDBC,
    /** Redis at {@code baton.storage.redis.uri}. */
    REDIS,
    /** In memory: tests and development; nothing survives a restart. */
    MEMORY
  }

  /** Storage settings. */
  public static class Storage {
    /**
     * Storage type: jdbc, redis or memory. Unset: jdbc when the application has a DataSource,
     * memory otherwise.
     */
    private StorageType type;

    private final Jdbc jdbc = new Jdbc();
    private final Redis redis = new Redis();

    public StorageType getType() {
      return type;
    }

    public void setType(StorageType type) {
      this.type = type;
    }

    public Jdbc getJdbc() {
      return jdbc;
    }

    public Redis getRedis() {
      return redis;
    }
  }

  /** JDBC storage settings. */
  public static class Jdbc {
    /**
     * A JDBC URL of a database for Baton alone (jdbc:postgresql:... or
     * jdbc:h2:...;MODE=PostgreSQL). Unset: the application's own DataSource, which also gives
     * transactional enqueue.
     */
    private String url;

    /** User for baton.storage.jdbc.url. */
    private String username;

    /** Password for baton.storage.jdbc.url. */
    private String password;

    /** Schema holding Baton's tables, created if missing. Unset: the connection's own. */
    private String schema;

    /** Connections in Baton's own pool (one more is kept for PostgreSQL LISTEN). */
    private int poolSize = 10;

    public String getUrl() {
      return url;
    }

    public void setUrl(String url) {
      this.url = url;
    }

    public String getUsername() {
      return username;
    }

    public void setUsername(String username) {
      this.username = username;
    }

    public String getPassword() {
      return password;
    }

    public void setPassword(String password) {
      this.password = password;
    }

    public String getSchema() {
      return schema;
    }

    public void setSchema(String schema) {
      this.schema = schema;
    }

    public int getPoolSize() {
      return poolSize;
    }

    public void setPoolSize(int poolSize) {
      this.poolSize = poolSize;
    }
  }

  /** Redis storage settings. */
  public static class Redis {
    /** Redis URI, e.g. redis://host:6379/0 or rediss://user:pw@host:6380. */
    private String uri = "redis://127.0.0.1:6379";

    /** Key namespace (one hash tag, so a cluster keeps Baton in one slot). */
    private String namespace = "baton";

    /** Whether the URI names a Redis Cluster. */
    private boolean cluster = false;

    /** Longest wait for one Redis command; shorter than the server's self-fence (6s by default). */
    private Duration commandTimeout = Duration.ofSeconds(4);

    public Duration getCommandTimeout() {
      return commandTimeout;
    }

    public void setCommandTimeout(Duration commandTimeout) {
      this.commandTimeout = commandTimeout;
    }

    public String getUri() {
      return uri;
    }

    public void setUri(String uri) {
      this.uri = uri;
    }

    public String getNamespace() {
      return namespace;
    }

    public void setNamespace(String namespace) {
      this.namespace = namespace;
    }

    public boolean isCluster() {
      return cluster;
    }

    public void setCluster(boolean cluster) {
      this.cluster = cluster;
    }
  }

  /** Server settings; see docs/server.md for what each one does. */
  public static class Server {
    /** Whether this application runs a Baton server (executes jobs). */
    private boolean enabled = true;

    /** Unique id of this server process. Unset: host-pid-random. */
    private String serverId;

    /** Queues claimed, in priority order. */
    private List<String> queues = new ArrayList<>(List.of("default"));

    /** Jobs run at once. Unset: max(16, 4 x cores), at most 64. */
    private Integer workers;

    /** How often the server beats (storage clock). */
    private Duration heartbeatInterval = Duration.ofSeconds(2);

    /** A peer silent this long is declared dead; at least 1s and 3 heartbeats. */
    private Duration serverTimeout = Duration.ofSeconds(8);

    /** How long shutdown waits for cancelled jobs before handing them back. */
    private Duration shutdownGrace = Duration.ofSeconds(15);

    /** Safety-net poll; claims are driven by storage pushes. */
    private Duration pollInterval = Duration.ofSeconds(2);

    /** Most jobs per claim and most outcomes per write. */
    private int claimBatchSize = 50;

    /** How long succeeded jobs are kept. */
    private Duration retention = Duration.ofDays(1);

    /** How often due scheduled jobs are enqueued. */
    private Duration promotionInterval = Duration.ofMillis(500);

    /** How often expired jobs are purged. */
    private Duration purgeInterval = Duration.ofMinutes(1);

    /** Most jobs purged per batch. */
    private int purgeBatchSize = 500;

    /** How often dead peers are looked for. Unset: 1s, or the heartbeat interval if shorter. */
    private Duration rescueInterval;

    /** Longest time progress and log lines wait in memory. */
    private Duration reportFlushInterval = Duration.ofSeconds(1);

    /** Also interrupt a job's thread when its cancellation fires. */
    private boolean interruptOnCancel = false;

    /** From a job's timeout to the interrupt of its thread, and as long again to giving it up. */
    private Duration timeoutGrace = Duration.ofSeconds(5);

    /** How long a job of a type this server has no handler for is left for another server. */
    private Duration unknownTypeGrace = Duration.ofMinutes(10);

    /** Per-job-type statistics for the dashboard. */
    private boolean stats = true;

    /** The settings laid over Baton's defaults; throws IllegalArgumentException naming a field. */
    public BatonServerConfig toConfig() {
      BatonServerConfig.Builder b = BatonServerConfig.builder();
      if (serverId != null) {
        b.serverId(serverId);
      }
      b.queues(queues);
      if (workers != null) {
        b.workers(workers);
      }
      b.heartbeatInterval(heartbeatInterval)
          .serverTimeout(serverTimeout)
          .shutdownGrace(shutdownGrace)
          .pollInterval(pollInterval)
          .claimBatchSize(claimBatchSize)
          .retention(retention)
          .promotionInterval(promotionInterval)
          .purgeInterval(purgeInterval)
          .purgeBatchSize(purgeBatchSize)
          .reportFlushInterval(reportFlushInterval)
          .interruptOnCancel(interruptOnCancel)
          .timeoutGrace(timeoutGrace)
          .unknownTypeGrace(unknownTypeGrace)
          .stats(stats);
      if (rescueInterval != null) {
        b.rescueInterval(rescueInterval);
      }
      return b.build();
    }

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getServerId() {
      return serverId;
    }

    public void setServerId(String serverId) {
      this.serverId = serverId;
    }

    public List<String> getQueues() {
      return queues;
    }

    public void setQueues(List<String> queues) {
      this.queues = queues;
    }

    public Integer getWorkers() {
      return workers;
    }

    public void setWorkers(Integer workers) {
      this.workers = workers;
    }

    public Duration getHeartbeatInterval() {
      return heartbeatInterval;
    }

    public void setHeartbeatInterval(Duration heartbeatInterval) {
      this.heartbeatInterval = heartbeatInterval;
    }

    public Duration getServerTimeout() {
      return serverTimeout;
    }

    public void setServerTimeout(Duration serverTimeout) {
      this.serverTimeout = serverTimeout;
    }

    public Duration getShutdownGrace() {
      return shutdownGrace;
    }

    public void setShutdownGrace(Duration shutdownGrace) {
      this.shutdownGrace = shutdownGrace;
    }

    public Duration getPollInterval() {
      return pollInterval;
    }

    public void setPollInterval(Duration pollInterval) {
      this.pollInterval = pollInterval;
    }

    public int getClaimBatchSize() {
      return claimBatchSize;
    }

    public void setClaimBatchSize(int claimBatchSize) {
      this.claimBatchSize = claimBatchSize;
    }

    public Duration getRetention() {
      return retention;
    }

    public void setRetention(Duration retention) {
      this.retention = retention;
    }

    public Duration getPromotionInterval() {
      return promotionInterval;
    }

    public void setPromotionInterval(Duration promotionInterval) {
      this.promotionInterval = promotionInterval;
    }

    public Duration getPurgeInterval() {
      return purgeInterval;
    }

    public void setPurgeInterval(Duration purgeInterval) {
      this.purgeInterval = purgeInterval;
    }

    public int getPurgeBatchSize() {
      return purgeBatchSize;
    }

    public void setPurgeBatchSize(int purgeBatchSize) {
      this.purgeBatchSize = purgeBatchSize;
    }

    public Duration getRescueInterval() {
      return rescueInterval;
    }

    public void setRescueInterval(Duration rescueInterval) {
      this.rescueInterval = rescueInterval;
    }

    public Duration getReportFlushInterval() {
      return reportFlushInterval;
    }

    public void setReportFlushInterval(Duration reportFlushInterval) {
      this.reportFlushInterval = reportFlushInterval;
    }

    public boolean isInterruptOnCancel() {
      return interruptOnCancel;
    }

    public void setInterruptOnCancel(boolean interruptOnCancel) {
      this.interruptOnCancel = interruptOnCancel;
    }

    public Duration getTimeoutGrace() {
      return timeoutGrace;
    }

    public void setTimeoutGrace(Duration timeoutGrace) {
      this.timeoutGrace = timeoutGrace;
    }

    public Duration getUnknownTypeGrace() {
      return unknownTypeGrace;
    }

    public void setUnknownTypeGrace(Duration unknownTypeGrace) {
      this.unknownTypeGrace = unknownTypeGrace;
    }

    public boolean isStats() {
      return stats;
    }

    public void setStats(boolean stats) {
      this.stats = stats;
    }
  }

  /** Client settings. */
  public static class Client {
    /** Largest arguments of one job, in bytes of UTF-8 JSON. */
    private int maxArgumentBytes = 524288;

    /** How long a deleted job stays visible before it is purged. */
    private Duration deleteRetention = Duration.ofDays(1);

    /**
     * On the JDBC storage over the application's DataSource: an enqueue inside a Spring transaction
     * is written on that transaction's connection and commits or rolls back with it.
     */
    private boolean joinTransactions = true;

    public boolean isJoinTransactions() {
      return joinTransactions;
    }

    public void setJoinTransactions(boolean joinTransactions) {
      this.joinTransactions = joinTransactions;
    }

    BatonClient.Builder applyTo(BatonClient.Builder b) {
      return b.maxArgumentBytes(maxArgumentBytes).deleteRetention(deleteRetention);
    }

    public int getMaxArgumentBytes() {
      return maxArgumentBytes;
    }

    public void setMaxArgumentBytes(int maxArgumentBytes) {
      this.maxArgumentBytes = maxArgumentBytes;
    }

    public Duration getDeleteRetention() {
      return deleteRetention;
    }

    public void setDeleteRetention(Duration deleteRetention) {
      this.deleteRetention = deleteRetention;
    }
  }

  /** Dashboard settings (needs baton-dashboard and a servlet web application). */
  public static class Dashboard {
    /** Whether the dashboard is mounted in the application's web server. */
    private boolean enabled = true;

    /** Path the dashboard and its REST API are mounted under. */
    private String path = "/baton";

    /** With Spring Security: the authority that may change things (requeue, delete, ...). */
    private String adminAuthority = "ROLE_BATON_ADMIN";

    /** With Spring Security: the authority that may only look. */
    private String readOnlyAuthority = "ROLE_BATON_VIEWER";

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getPath() {
      return path;
    }

    public void setPath(String path) {
      this.path = path;
    }

    public String getAdminAuthority() {
      return adminAuthority;
    }

    public void setAdminAuthority(String adminAuthority) {
      this.adminAuthority = adminAuthority;
    }

    public String getReadOnlyAuthority() {
      return readOnlyAuthority;
    }

    public void setReadOnlyAuthority(String readOnlyAuthority) {
      this.readOnlyAuthority = readOnlyAuthority;
    }
  }

  // ---------------------------------------------------------------- validation

  @Override
  public boolean supports(Class<?> clazz) {
    return BatonProperties.class.isAssignableFrom(clazz);
  }

  /**
   * Builds the server configuration and the client settings the way Baton will, and reports what
   * Baton refuses against the property that holds it ({@code baton.server.workers}, ...).
   */
  @Override
  public void validate(Object target, Errors errors) {
    BatonProperties p = (BatonProperties) target;
    try {
      p.server.toConfig();
    } catch (IllegalArgumentException e) {
      String f = field(e.getMessage());
      errors.rejectValue("server." + f, "invalid", property("server", f) + ": " + e.getMessage());
    }
    try {
      p.client.applyTo(BatonClient.builder(new dev.baton.storage.memory.InMemoryStorage()));
    } catch (IllegalArgumentException e) {
      String f = e.getMessage().contains("etention") ? "deleteRetention" : "maxArgumentBytes";
      errors.rejectValue("client." + f, "invalid", property("client", f) + ": " + e.getMessage());
    }
    String path = p.dashboard.path;
    if (path == null || !path.matches("(/[A-Za-z0-9._~-]+)+")) {
      errors.rejectValue(
          "dashboard.path",
          "invalid",
          "baton.dashboard.path: the dashboard path must start with / and name at least one segment, like /baton;"
              + " got '"
              + path
              + "'");
    }
  }

  /** {@code baton.server.server-timeout} for {@code ("server", "serverTimeout")}. */
  private static String property(String group, String field) {
    return "baton." + group + "." + field.replaceAll("([A-Z])", "-$1").toLowerCase();
  }

  /** The server setting a {@link BatonServerConfig} message is about (it names it first). */
  private static String field(String message) {
    String best = "workers";
    int at = Integer.MAX_VALUE;
    for (String f : SERVER_FIELDS) {
      int i = message.indexOf(f);
      if (i >= 0 && i < at) {
        at = i;
        best = f;
      }
    }
    return best;
  }

  private static final List<String> SERVER_FIELDS =
      List.of(
          "serverId",
          "queues",
          "workers",
          "heartbeatInterval",
          "serverTimeout",
          "shutdownGrace",
          "pollInterval",
          "claimBatchSize",
          "retention",
          "promotionInterval",
          "purgeInterval",
          "purgeBatchSize",
          "rescueInterval",
          "reportFlushInterval",
          "timeoutGrace",
          "unknownTypeGrace");
}
