package dev.baton.bench;

import dev.baton.server.BatonServer;
import dev.baton.server.BatonServerConfig;
import dev.baton.storage.JobStorage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * One benchmark server process: {@code BenchServerMain PROFILE SERVER_ID [bench options]}. Opens
 * the storage, builds the server, prints {@code READY}, starts on {@code GO} (a line on stdin) and
 * stops when stdin closes. Probe jobs print {@code PICKUP <micros>}; hold jobs print {@code START
 * <job> <server> <epoch micros>}.
 */
public final class BenchServerMain {
  private BenchServerMain() {}

  /** Server settings of a run. */
  enum ServerProfile {
    /** {@link BatonServerConfig#defaults()}. */
    DEFAULT,
    /** Many workers and large claim batches: no-op jobs are bound by storage round trips. */
    TUNED,
    /** The shortest heartbeat and server timeout the configuration allows in practice. */
    FAST_RECOVERY;

    BatonServerConfig.Builder config(String serverId) {
      BatonServerConfig.Builder b = BatonServerConfig.builder().serverId(serverId);
      return switch (this) {
        case DEFAULT -> b;
        case TUNED -> b.workers(64).claimBatchSize(256);
        case FAST_RECOVERY ->
            b.heartbeatInterval(Duration.ofMillis(100))
                .serverTimeout(Duration.ofMillis(250))
                .rescueInterval(Duration.ofMillis(50));
      };
    }

    StorageSpec.Profile storageProfile() {
      return this == TUNED ? StorageSpec.Profile.TUNED : StorageSpec.Profile.DEFAULT;
    }
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("logback.configurationFile", "bench-logback.xml");
    ServerProfile profile = ServerProfile.valueOf(args[0]);
    String serverId = args[1];
    BenchOptions options = BenchOptions.parse(Arrays.copyOfRange(args, 2, args.length));
    StorageSpec spec = StorageSpecs.create(options);
    JobStorage storage = spec.open(profile.storageProfile());
    BatonServer server =
        BatonServer.builder(storage)
            .config(profile.config(serverId).build())
            .handle(BenchJobs.NOOP, (args1, ctx) -> {})
            .handle(
                BenchJobs.PROBE,
                (probe, ctx) -> say("PICKUP " + (BenchJobs.nowMicros() - probe.sentMicros())))
            .handle(
                BenchJobs.HOLD,
                (hold, ctx) -> {
                  say("START " + ctx.jobId() + " " + serverId + " " + BenchJobs.nowMicros());
                  Thread.sleep(hold.millis());
                })
            .build();
    say("READY");
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.equals("GO")) {
        server.start();
        say("STARTED");
      }
    }
    server.close();
    storage.close();
  }

  private static synchronized void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
