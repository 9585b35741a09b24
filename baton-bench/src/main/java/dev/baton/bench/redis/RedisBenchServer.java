package dev.baton.bench.redis;

import dev.baton.job.JobType;
import dev.baton.server.BatonServer;
import dev.baton.server.BatonServerConfig;
import dev.baton.storage.redis.RedisStorage;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;

/**
 * One server process of {@link RedisBench}: {@code java -cp ... RedisBenchServer <uri> <namespace>
 * <serverId> <profile>}, profile {@code default}, {@code tuned} or {@code fast-recovery}. Its jobs
 * report to lists in Redis, so the driver can read what happened in other processes.
 */
public final class RedisBenchServer {
  /** A job that does nothing. */
  public record Noop(int n) {}

  /** A job that reports how long after {@code sentNanos} (System.nanoTime, machine-wide) it ran. */
  public record Ping(long sentNanos) {}

  /** A job that reports its start and then runs for a long time. */
  public record Long(int n) {}

  static final JobType<Noop> NOOP = JobType.of("bench.noop", Noop.class);
  static final JobType<Ping> PING = JobType.of("bench.ping", Ping.class);
  static final JobType<Long> LONG = JobType.of("bench.long", Long.class);

  private RedisBenchServer() {}

  static String key(String namespace, String list) {
    return "{" + namespace + "}:bench:" + list;
  }

  static BatonServerConfig config(String profile, String serverId) {
    BatonServerConfig.Builder b = BatonServerConfig.builder().serverId(serverId);
    switch (profile) {
      case "default" -> {}
      case "tuned" -> b.workers(32).claimBatchSize(256);
      case "fast-recovery" ->
          b.heartbeatInterval(Duration.ofMillis(100))
              .serverTimeout(Duration.ofMillis(300))
              .rescueInterval(Duration.ofMillis(100));
      default -> throw new IllegalArgumentException("unknown profile " + profile);
    }
    return b.build();
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("logback.configurationFile", "bench-logback.xml");
    String uri = args[0];
    String namespace = args[1];
    String serverId = args[2];
    String profile = args[3];
    RedisClient reportClient = RedisClient.create(uri);
    RedisCommands<String, String> report = reportClient.connect().sync();
    RedisStorage storage = RedisStorage.builder().uri(uri).namespace(namespace).build();
    BatonServer server =
        BatonServer.builder(storage)
            .config(config(profile, serverId))
            .handle(NOOP, (a, ctx) -> {})
            .handle(
                PING,
                (a, ctx) ->
                    report.rpush(
                        key(namespace, "pickup"),
                        java.lang.Long.toString(System.nanoTime() - a.sentNanos())))
            .handle(
                LONG,
                (a, ctx) -> {
                  report.rpush(key(namespace, "long"), serverId + " " + System.nanoTime());
                  Thread.sleep(600_000);
                })
            .build()
            .start();
    System.out.println("READY " + serverId);
    System.out.flush();
    Thread.currentThread().join();
    server.close();
  }
}
