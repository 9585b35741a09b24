package dev.baton.app;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The command line of {@link BatonApp}, parsed and validated. Every option is {@code --name=value};
 * a bad or unknown one is an {@link IllegalArgumentException} whose message says which and why.
 *
 * @param storage which storage to use
 * @param dataDir where the H2 file storage keeps its database
 * @param jdbcUrl the PostgreSQL JDBC URL
 * @param redisUrl the Redis URI
 * @param serverId the server id, or null to let the server choose one
 * @param workers worker threads, or 0 for the server's default
 * @param demo whether to register and enqueue the demo jobs
 * @param dashboard whether and where the dashboard runs, and who may call it
 * @param help whether {@code --help} was given (nothing else is done then)
 * @param queues the queues to work on, in priority order, or empty for the server's default
 */
public record AppOptions(
    StorageKind storage,
    Path dataDir,
    String jdbcUrl,
    String redisUrl,
    String serverId,
    int workers,
    boolean demo,
    DashboardOptions dashboard,
    boolean help,
    java.util.List<String> queues) {

  /** The storages the app can run on. */
  public enum StorageKind {
    H2,
    MEMORY,
    POSTGRES,
    REDIS
  }

  public static final Path DEFAULT_DATA_DIR = Path.of("baton-data");
  public static final String DEFAULT_JDBC_URL =
      "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";
  public static final String DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

  /** Shorter tokens are too easy to guess. */
  static final int MIN_TOKEN_LENGTH = 16;

  /** Parses {@code args}; throws {@link IllegalArgumentException} naming a bad option. */
  public static AppOptions parse(String... args) {
    Map<String, String> given = new LinkedHashMap<>();
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("-h")) {
        given.put("help", "true");
        continue;
      }
      if (!arg.startsWith("--") || !arg.contains("=")) {
        throw new IllegalArgumentException(
            "unexpected argument '" + arg + "': options look like --name=value");
      }
      String name = arg.substring(2, arg.indexOf('='));
      String value = arg.substring(arg.indexOf('=') + 1);
      if (given.put(name, value) != null) {
        throw new IllegalArgumentException("option --" + name + " is given twice");
      }
    }
    boolean help = given.remove("help") != null;
    return fromSettings(given, help);
  }

  /**
   * The options from settings by name ({@code storage}, {@code workers}, ...: the long option names
   * without {@code --}), each checked; throws {@link IllegalArgumentException} naming a bad one.
   * {@code name} is another name for {@code server-id}.
   */
  public static AppOptions fromSettings(Map<String, String> settings, boolean help) {
    Map<String, String> given = new LinkedHashMap<>(settings);
    if (given.containsKey("name")) {
      String name = given.remove("name");
      if (given.containsKey("server-id") && !given.get("server-id").equals(name)) {
        throw new IllegalArgumentException("--name and --server-id are the same setting; give one");
      }
      given.put("server-id", name);
    }
    java.util.List<String> queues = java.util.List.of();
    String storageValue = null;
    StorageKind storage = StorageFactory.DEFAULT_STORAGE;
    Path dataDir = DEFAULT_DATA_DIR;
    String jdbcUrl = DEFAULT_JDBC_URL;
    String redisUrl = DEFAULT_REDIS_URL;
    String serverId = null;
    int workers = 0;
    boolean demo = true;
    boolean dashboard = true;
    String bind = DashboardOptions.DEFAULT_BIND;
    int port = DashboardOptions.DEFAULT_PORT;
    String apiToken = null;
    String readOnlyToken = null;
    java.util.List<String> publicOrigins = java.util.List.of();
    for (Map.Entry<String, String> option : given.entrySet()) {
      String value = option.getValue();
      switch (option.getKey()) {
        case "storage" -> storageValue = nonEmpty("storage", value);
        case "queues" -> queues = queues(value);
        case "data-dir" -> dataDir = Path.of(nonEmpty("data-dir", value));
        case "jdbc-url" -> jdbcUrl = nonEmpty("jdbc-url", value);
        case "redis-url" -> redisUrl = nonEmpty("redis-url", value);
        case "server-id" -> serverId = nonEmpty("server-id", value);
        case "workers" -> workers = positive("workers", value);
        case "demo" -> demo = bool("demo", value);
        case "dashboard" -> dashboard = bool("dashboard", value);
        case "bind" -> bind = nonEmpty("bind", value);
        case "port" -> port = port(value);
        case "api-token" -> apiToken = token("api-token", value);
        case "read-only-token" -> readOnlyToken = token("read-only-token", value);
        case "public-origin" -> publicOrigins = publicOrigins(value);
        default -> throw new IllegalArgumentException("unknown option --" + option.getKey());
      }
    }
    if (storageValue != null) {
      // A URL names the kind and the place at once (and wins over --data-dir and the like).
      String v = storageValue;
      String lower = v.toLowerCase(Locale.ROOT);
      if (lower.startsWith("h2:")) {
        storage = StorageKind.H2;
        dataDir = Path.of(nonEmpty("storage", v.substring(3)));
      } else if (lower.startsWith("jdbc:h2:")) {
        storage = StorageKind.H2;
        jdbcUrl = v;
      } else if (lower.equals("memory:") || lower.equals("mem:")) {
        storage = StorageKind.MEMORY;
      } else if (lower.startsWith("postgresql://") || lower.startsWith("postgres://")) {
        storage = StorageKind.POSTGRES;
        jdbcUrl = StorageFactory.jdbcUrl(v);
      } else if (lower.startsWith("jdbc:postgresql:")) {
        storage = StorageKind.POSTGRES;
        jdbcUrl = v;
      } else if (lower.startsWith("jdbc:")) {
        throw new IllegalArgumentException(
            "--storage: Baton runs on PostgreSQL and H2; a JDBC URL starts with jdbc:postgresql:"
                + " or jdbc:h2:, got '"
                + v
                + "'");
      } else if (lower.startsWith("redis://")
          || lower.startsWith("rediss://")
          || lower.startsWith("redis-sentinel://")
          || lower.startsWith("rediss-sentinel://")) {
        storage = StorageKind.REDIS;
        redisUrl = v;
      } else {
        storage = storageKind(v);
      }
    }
    return new AppOptions(
        storage,
        dataDir,
        jdbcUrl,
        redisUrl,
        serverId,
        workers,
        demo,
        new DashboardOptions(dashboard, bind, port, apiToken, readOnlyToken, publicOrigins),
        help,
        queues);
  }

  /** A comma-separated list of queue names, each checked. */
  private static java.util.List<String> queues(String value) {
    java.util.List<String> queues = new java.util.ArrayList<>();
    for (String queue : value.split(",")) {
      String q = queue.trim();
      if (!dev.baton.storage.JobSpec.isQueueName(q)) {
        throw new IllegalArgumentException(
            "--queues must be a comma-separated list of queue names (a-z, 0-9, _ and -), got '"
                + value
                + "'");
      }
      queues.add(q);
    }
    return java.util.List.copyOf(queues);
  }

  /** Comma-separated origins such as {@code https://jobs.example.com}, each checked. */
  private static java.util.List<String> publicOrigins(String value) {
    java.util.List<String> origins = new java.util.ArrayList<>();
    for (String origin : value.split(",")) {
      if (!origin.isBlank()) {
        try {
          origins.add(dev.baton.dashboard.security.Csrf.normalizeOrigin(origin));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("--public-origin: " + e.getMessage(), e);
        }
      }
    }
    return java.util.List.copyOf(origins);
  }

  private static int port(String value) {
    try {
      int n = Integer.parseInt(value);
      if (n >= 0 && n <= 65535) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "--port must be a port number from 0 (any free port) to 65535, got '" + value + "'");
  }

  /** A token: printable ASCII without spaces (it travels in an HTTP header), at least 16 long. */
  private static String token(String name, String value) {
    if (value.length() < MIN_TOKEN_LENGTH || !value.chars().allMatch(c -> c > ' ' && c < 127)) {
      throw new IllegalArgumentException(
          "--"
              + name
              + " must be at least "
              + MIN_TOKEN_LENGTH
              + " printable characters without spaces (it is a password)");
    }
    return value;
  }

  private static StorageKind storageKind(String value) {
    try {
      return StorageKind.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--storage must be h2:PATH, memory:, postgresql://HOST/DB, a jdbc: URL,"
              + " redis://HOST, redis-sentinel://HOST#MASTER (or one of h2, memory, postgres,"
              + " redis); got '"
              + value
              + "'");
    }
  }

  private static String nonEmpty(String name, String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException("--" + name + " needs a value");
    }
    return value;
  }

  private static int positive(String name, String value) {
    try {
      int n = Integer.parseInt(value);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "--" + name + " must be a positive number, got '" + value + "'");
  }

  private static boolean bool(String name, String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(
              "--" + name + " must be true or false, got '" + value + "'");
    };
  }
}
