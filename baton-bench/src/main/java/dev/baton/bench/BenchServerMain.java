package dev.baton.bench;

import dev.baton.client.BatonClient;
import dev.baton.filter.AppliedContext;
import dev.baton.filter.JobFilter;
import dev.baton.job.JobOptions;
import dev.baton.server.BatonServer;
import dev.baton.server.BatonServerConfig;
import dev.baton.storage.JobStorage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

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

    BatonServerConfig.Builder config(String serverId, BenchOptions options) {
      BatonServerConfig.Builder b = BatonServerConfig.builder().serverId(serverId);
      return switch (this) {
        case DEFAULT -> b;
        case TUNED -> b.workers(options.tunedWorkers()).claimBatchSize(options.tunedBatch());
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
    warmUp(storage, profile, serverId, options);
    AppliedCounter applied = new AppliedCounter();
    BatonServer server =
        BatonServer.builder(storage)
            .config(profile.config(serverId, options).build())
            .filter(applied)
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
        applied.reportEvery(Duration.ofMillis(5), count -> say("APPLIED " + count));
      }
    }
    applied.close();
    server.close();
    storage.close();
  }

  /**
   * Runs {@code --warmup} no-op jobs (default 30,000) through a server of the same profile on the
   * same storage, on a queue of this process's own, before the process says READY: the measured
   * server then runs JIT-compiled code, as a server that has been up for a while does.
   */
  private static void warmUp(
      JobStorage storage, ServerProfile profile, String serverId, BenchOptions options)
      throws InterruptedException {
    int n = options.warmup();
    if (n <= 0) {
      return;
    }
    String queue = "warmup-" + serverId;
    CountDownLatch done = new CountDownLatch(n);
    BatonServer warm =
        BatonServer.builder(storage)
            .config(profile.config(serverId + "-warmup", options).queues(queue).build())
            .handle(BenchJobs.NOOP, (args, ctx) -> done.countDown())
            .build();
    warm.start();
    BatonClient client = BatonClient.create(storage);
    JobOptions onQueue = JobOptions.builder().queue(queue).build();
    BenchJobs.enqueueNoops(client, n, onQueue);
    if (!done.await(5, TimeUnit.MINUTES)) {
      throw new IllegalStateException("warm-up jobs did not run within 5 minutes");
    }
    warm.close();
  }

  private static synchronized void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  /**
   * Counts the no-op jobs whose SUCCEEDED outcome the storage accepted, and prints the count when
   * it changed, every few milliseconds: the benchmark sums the processes' counts, so it sees the
   * last job end without querying the storage while it is measured.
   */
  static final class AppliedCounter implements JobFilter, AutoCloseable {
    private final LongAdder count = new LongAdder();
    private final ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "bench-applied");
              t.setDaemon(true);
              return t;
            });

    @Override
    public void onApplied(AppliedContext context) {
      if (context.applied() && context.spec().type().equals(BenchJobs.NOOP.name())) {
        count.increment();
      }
    }

    void reportEvery(Duration period, LongConsumer sink) {
      long[] last = {-1};
      timer.scheduleAtFixedRate(
          () -> {
            long now = count.sum();
            if (now != last[0]) {
              last[0] = now;
              sink.accept(now);
            }
          },
          0,
          period.toMillis(),
          TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
      timer.shutdownNow();
    }
  }
}
