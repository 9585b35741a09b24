package dev.baton.faults;

import dev.baton.server.BatonServer;
import dev.baton.server.BatonServerConfig;
import dev.baton.storage.JobStorage;
import dev.baton.storage.jdbc.JdbcStorage;
import dev.baton.storage.redis.RedisStorage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One Baton server process of the fault tests, started by {@link ServerProcess} as {@code java -cp
 * <test classpath> dev.baton.faults.FaultServerMain key=value...}. It runs {@link FaultJobs} and
 * writes their ledger to {@code <ledger>/<server>.ledger}.
 *
 * <p>Talks over stdin/stdout: prints {@code READY <server> <pid>} once it runs (with {@code
 * deferStart=true}: once it is built and connected, and it starts on {@code start}, printing {@code
 * STARTED}, so a test need not wait for a JVM to boot at the moment it wants a peer); reads {@code
 * close} (stops the server gracefully, prints {@code CLOSED}, exits) and {@code stats} (prints one
 * {@code STATS} line). The end of stdin (the test JVM died) halts the process, so no server
 * outlives its test. Logs go to stderr.
 *
 * <p>Keys: {@code storage} (postgres|redis|h2), {@code url} (JDBC) or {@code uri} and {@code
 * namespace} (Redis), {@code schema}, {@code pool}, {@code callTimeoutMs} (the storage's longest
 * call), {@code server}, {@code ledger}, {@code workers}, {@code batch}, {@code heartbeatMs},
 * {@code timeoutMs}, {@code rescueMs}, {@code pollMs}, {@code graceMs}.
 */
public final class FaultServerMain {
  private FaultServerMain() {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new LinkedHashMap<>();
    for (String a : argv) {
      int eq = a.indexOf('=');
      args.put(a.substring(0, eq), a.substring(eq + 1));
    }
    String serverId = args.get("server");
    Ledger ledger = new Ledger(Path.of(args.get("ledger")).resolve(serverId + ".ledger"));
    JobStorage storage = storage(args);
    BatonServerConfig.Builder config =
        BatonServerConfig.builder()
            .serverId(serverId)
            .workers(Integer.parseInt(args.get("workers")))
            .claimBatchSize(Integer.parseInt(args.get("batch")))
            .heartbeatInterval(millis(args.get("heartbeatMs")))
            .serverTimeout(millis(args.get("timeoutMs")))
            .shutdownGrace(millis(args.getOrDefault("graceMs", "1000")));
    if (args.containsKey("rescueMs")) {
      config.rescueInterval(millis(args.get("rescueMs")));
    }
    if (args.containsKey("pollMs")) {
      config.pollInterval(millis(args.get("pollMs")));
    }
    BatonServer server =
        BatonServer.builder(storage)
            .config(config.build())
            .handle(FaultJobs.SLOW, FaultJobs.slow(ledger))
            .handle(FaultJobs.QUICK, FaultJobs.quick(ledger))
            .handle(FaultJobs.STUBBORN, FaultJobs.stubborn(ledger))
            .build();
    Lateness lateness = Lateness.watch(server, millis(args.get("heartbeatMs")));
    boolean deferred = Boolean.parseBoolean(args.getOrDefault("deferStart", "false"));
    if (!deferred) {
      server.start();
    }
    System.out.println("READY " + server.serverId() + " " + ProcessHandle.current().pid());
    System.out.flush();

    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      switch (line.trim()) {
        case "start" -> {
          server.start();
          System.out.println("STARTED " + serverId);
        }
        case "stats" -> System.out.println("STATS " + lateness.describe());
        case "close" -> {
          server.close();
          storage.close();
          ledger.close();
          System.out.println("CLOSED " + serverId);
          System.out.flush();
          System.exit(0);
        }
        default -> System.out.println("UNKNOWN " + line);
      }
      System.out.flush();
    }
    Runtime.getRuntime().halt(3); // the test is gone: stop at once, as kill -9 would
  }

  private static JobStorage storage(Map<String, String> args) {
    int pool = Integer.parseInt(args.getOrDefault("pool", "4"));
    switch (args.get("storage")) {
      case "postgres":
        return jdbc(
            JdbcStorage.postgres(args.get("url")).user("postgres").schema(args.get("schema")),
            pool,
            args);
      case "h2":
        return jdbc(JdbcStorage.h2(args.get("url")), pool, args);
      case "redis":
        RedisStorage.Builder b =
            RedisStorage.builder().uri(args.get("uri")).namespace(args.get("namespace"));
        if (args.containsKey("callTimeoutMs")) {
          b.commandTimeout(millis(args.get("callTimeoutMs")));
        }
        return b.build();
      default:
        throw new IllegalArgumentException("unknown storage " + args.get("storage"));
    }
  }

  /** {@code callTimeoutMs}: the longest call, as 250 ms to connect and the rest per statement. */
  private static JobStorage jdbc(
      dev.baton.storage.jdbc.JdbcStorageBuilder b, int pool, Map<String, String> args) {
    b.poolSize(pool);
    if (args.containsKey("callTimeoutMs")) {
      long call = Long.parseLong(args.get("callTimeoutMs"));
      b.connectionTimeout(Duration.ofMillis(250)).statementTimeout(Duration.ofMillis(call - 250));
    }
    return b.build();
  }

  private static Duration millis(String ms) {
    return Duration.ofMillis(Long.parseLong(ms));
  }
}
