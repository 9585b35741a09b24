package dev.baton.storage.redis;

import dev.baton.job.JobType;
import dev.baton.server.BatonServer;
import dev.baton.server.BatonServerConfig;
import dev.baton.storage.JobStorage;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A started server for the Redis failure tests: 4 workers running numbered jobs that sleep a while,
 * every run counted per number (the ledger). Its server timeout is long: only the server's own
 * looks at its leases, never a rescue, can save a job it left behind.
 */
final class CountingServer {
  record Numbered(int n) {}

  static final JobType<Numbered> NUMBERED = JobType.of("redis-test.numbered", Numbered.class);

  /** Jobs with a negative number run this long. */
  static final long LONG_MILLIS = 400;

  final Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
  final BatonServer server;

  CountingServer(JobStorage storage, String serverId, long jobMillis) {
    server =
        BatonServer.builder(storage)
            .config(
                BatonServerConfig.builder()
                    .serverId(serverId)
                    .workers(4)
                    .heartbeatInterval(Duration.ofMillis(200))
                    .serverTimeout(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .shutdownGrace(Duration.ofMillis(500))
                    .build())
            .handle(
                NUMBERED,
                (args, ctx) -> {
                  runs.computeIfAbsent(args.n(), n -> new AtomicInteger()).incrementAndGet();
                  Thread.sleep(args.n() < 0 ? LONG_MILLIS : jobMillis);
                })
            .build()
            .start();
  }

  /** How many numbers ran more than once. */
  long ranAgain() {
    return runs.values().stream().filter(n -> n.get() > 1).count();
  }
}
