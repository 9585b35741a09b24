package dev.baton.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command-line options of {@link StorageBench} and {@link BenchServerMain}: {@code --name=value}
 * pairs. The same arguments are handed to server processes, so they open the same storage.
 *
 * <p>{@code --schema=NAME} names the data set: the PostgreSQL schema, or the Redis namespace
 * (default: the storage's benchmark data set, see {@link PostgresSpec} and {@link RedisSpec}).
 */
public record BenchOptions(
    String storage,
    String jdbcUrl,
    String user,
    String redisUrl,
    Path dataDir,
    int jobs,
    List<String> scenarios,
    int tunedWorkers,
    int tunedBatch,
    int warmup,
    int rehearsals,
    int runs,
    long bloat,
    String schema,
    List<String> raw) {
  public static final String DEFAULT_JDBC_URL = "jdbc:postgresql://127.0.0.1:5432/test";
  public static final String DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0";
  public static final int DEFAULT_JOBS = 20_000;

  /** Workers and claim batch of the tuned profile: no-op jobs are bound by storage round trips. */
  public static final int DEFAULT_TUNED_WORKERS = 256;

  public static final int DEFAULT_TUNED_BATCH = 256;

  /** No-op jobs each server process runs before it says READY, so that it is measured warm. */
  public static final int DEFAULT_WARMUP = 30_000;

  /**
   * Unmeasured runs of a throughput scenario before the measured ones, on the same server processes
   * (see {@code StorageBench}).
   */
  public static final int DEFAULT_REHEARSALS = 1;

  /** Measured runs of a throughput scenario; the report gives the median. */
  public static final int DEFAULT_RUNS = 3;

  /** Finished jobs the {@code flat} scenario puts in the table (PostgreSQL). */
  public static final long DEFAULT_BLOAT = 1_000_000;

  public static final List<String> ALL =
      List.of("throughput", "latency", "recovery", "pgbench", "redis-benchmark");

  public static BenchOptions parse(String... args) {
    String storage = "postgres";
    String jdbcUrl = DEFAULT_JDBC_URL;
    String user = "postgres";
    String redisUrl = DEFAULT_REDIS_URL;
    Path dataDir = Path.of("target", "bench-h2");
    int jobs = DEFAULT_JOBS;
    List<String> scenarios = ALL;
    int tunedWorkers = DEFAULT_TUNED_WORKERS;
    int tunedBatch = DEFAULT_TUNED_BATCH;
    int warmup = DEFAULT_WARMUP;
    int rehearsals = DEFAULT_REHEARSALS;
    int runs = DEFAULT_RUNS;
    long bloat = DEFAULT_BLOAT;
    String schema = null;
    List<String> raw = new ArrayList<>();
    for (String arg : args) {
      if (!arg.startsWith("--") || !arg.contains("=")) {
        continue;
      }
      raw.add(arg);
      String name = arg.substring(2, arg.indexOf('='));
      String value = arg.substring(arg.indexOf('=') + 1);
      switch (name) {
        case "storage" -> storage = value;
        case "jdbc-url" -> jdbcUrl = value;
        case "user" -> user = value;
        case "redis-url" -> redisUrl = value;
        case "data-dir" -> dataDir = Path.of(value);
        case "jobs" -> jobs = Integer.parseInt(value);
        case "scenarios" -> scenarios = List.of(value.split(","));
        case "tuned-workers" -> tunedWorkers = Integer.parseInt(value);
        case "tuned-batch" -> tunedBatch = Integer.parseInt(value);
        case "warmup" -> warmup = Integer.parseInt(value);
        case "rehearsals" -> rehearsals = Integer.parseInt(value);
        case "runs" -> runs = Integer.parseInt(value);
        case "bloat" -> bloat = Long.parseLong(value);
        case "schema" -> schema = value;
        default -> throw new IllegalArgumentException("unknown option --" + name);
      }
    }
    if (runs < 1 || rehearsals < 0) {
      throw new IllegalArgumentException("--runs must be at least 1 and --rehearsals at least 0");
    }
    return new BenchOptions(
        storage,
        jdbcUrl,
        user,
        redisUrl,
        dataDir,
        jobs,
        scenarios,
        tunedWorkers,
        tunedBatch,
        warmup,
        rehearsals,
        runs,
        bloat,
        schema,
        raw);
  }
}
