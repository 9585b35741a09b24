package dev.baton.storage.redis;

import dev.baton.job.JobType;
import dev.baton.server.BatonServer;
import dev.baton.server.BatonServerConfig;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;

/**
 * The server process of {@link RedisKillNineTest}: a BatonServer on a Redis namespace whose jobs
 * write "start" and "done" lines to a ledger list in Redis. Run as {@code java -cp <test classpath>
 * dev.baton.storage.redis.KillNineWorker <uri> <namespace> <serverId>}.
 */
public final class KillNineWorker {
  /** One unit of work, numbered. */
  public record Work(int n) {}

  static final JobType<Work> WORK = JobType.of("redis.kill9.work", Work.class);
  static final Duration JOB_TIME = Duration.ofMillis(300);
  static final Duration SERVER_TIMEOUT = Duration.ofSeconds(4);

  private KillNineWorker() {}

  static String ledgerKey(String namespace) {
    return "{" + namespace + "}:test:ledger";
  }

  public static void main(String[] args) throws Exception {
    String uri = args[0];
    String namespace = args[1];
    String serverId = args[2];
    RedisClient ledgerClient = RedisClient.create(uri);
    StatefulRedisConnection<String, String> conn = ledgerClient.connect();
    RedisCommands<String, String> ledger = conn.sync();
    String key = ledgerKey(namespace);
    // Calls of at most 2 s, below the self-fence of 4 s - 1 s, as a server requires.
    RedisStorage storage =
        RedisStorage.builder()
            .uri(uri)
            .namespace(namespace)
            .commandTimeout(Duration.ofSeconds(2))
            .build();
    BatonServer server =
        BatonServer.builder(storage)
            .config(
                BatonServerConfig.builder()
                    .serverId(serverId)
                    .workers(2)
                    .heartbeatInterval(Duration.ofSeconds(1))
                    .serverTimeout(SERVER_TIMEOUT)
                    .rescueInterval(Duration.ofMillis(500))
                    .build())
            .handle(
                WORK,
                (work, ctx) -> {
                  ledger.rpush(
                      key, "start " + work.n() + " " + serverId + " " + ctx.fencingToken());
                  Thread.sleep(JOB_TIME.toMillis());
                  ledger.rpush(key, "done " + work.n() + " " + serverId + " " + ctx.fencingToken());
                })
            .build()
            .start();
    System.out.println("READY " + serverId);
    System.out.flush();
    Thread.currentThread().join();
    server.close();
  }
}
