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
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * One benchmark server process: {@code BenchServerMain PROFILE SERVER_ID [bench options]}. Opens
 * the storage, warms up, builds the server, prints {@code READY <warm-up jobs>}, starts on {@code
 * GO} (a line on stdin) and stops when stdin closes. Probe jobs print {@code PICKUP <micros>}; hold
 * jobs print {@code START <job> <server> <epoch micros>}. After GO, {@code COST} prints what the
 * process spent since GO ({@link ProcessCost}); {@code GC} runs a full collection, then prints
 * {@code COLLECTED}; {@code AGAIN} stops the server, builds a new one as the first and prints
 * {@code READY 0}, so that the same run can be measured once more (a rehearsal, see {@link
 * StorageBench}).
 */
public final class BenchServerMain {
  private BenchServerMain() {}

  /** Server settings of a run. */
  enum ServerProfile {
    /** {@link BatonServerConfig#defaults()}. */
    DEFAULT,
    /** Many workers and large claim batches: no-op jobs are bound by storage round trips. */
    TUNED,
    /**
     * A short heartbeat and server timeout that every storage can meet with short call timeouts
     * ({@link StorageSpec.Profile#FAST_RECOVERY}): 500 ms / 2 s, so a server fences itself 1.5 s
     * after its last proof of life, longer than PostgreSQL's 1.25 s longest call.
     */
    FAST_RECOVERY;

    BatonServerConfig.Builder config(String serverId, BenchOptions options) {
      BatonServerConfig.Builder b = BatonServerConfig.builder().serverId(serverId);
      return switch (this) {
        case DEFAULT -> b;
        case TUNED -> b.workers(options.tunedWorkers()).claimBatchSize(options.tunedBatch());
        case FAST_RECOVERY ->
            b.heartbeatInterval(Duration.ofMillis(500))
                .serverTimeout(Duration.ofSeconds(2))
                .rescueInterval(Duration.ofMillis(250));
      };
    }

    StorageSpec.Profile storageProfile() {
      return switch (this) {
        case DEFAULT -> StorageSpec.Profile.DEFAULT;
        case TUNED -> StorageSpec.Profile.TUNED;
        case FAST_RECOVERY -> StorageSpec.Profile.FAST_RECOVERY;
      };
    }
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("logback.configurationFile", "bench-logback.xml");
    ServerProfile profile = ServerProfile.valueOf(args[0]);
    String serverId = args[1];
    BenchOptions options = BenchOptions.parse(Arrays.copyOfRange(args, 2, args.length));
    StorageSpec spec = StorageSpecs.create(options);
    JobStorage storage = spec.open(profile.storageProfile());
    long warmedUp = warmUp(storage, profile, serverId, options);
    AppliedCounter applied = new AppliedCounter();
    BatonServer server = build(storage, profile.config(serverId, options), applied, serverId);
    say("READY " + warmedUp);
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    ProcessCost atGo = null;
    while ((line = in.readLine()) != null) {
      if (line.equals("GO")) {
        atGo = ProcessCost.now();
        server.start();
        say("STARTED");
        applied.reportEvery(Duration.ofMillis(5), count -> say("APPLIED " + count));
      } else if (line.equals("COST") && atGo != null) {
        say("COST " + ProcessCost.now().minus(atGo).line());
      } else if (line.equals("GC")) {
        System.gc();
        say("COLLECTED");
      } else if (line.equals("AGAIN")) {
        applied.close();
        server.close();
        applied = new AppliedCounter();
        server = build(storage, profile.config(serverId, options), applied, serverId);
        atGo = null;
        say("READY 0");
      }
    }
    applied.close();
    server.close();
    storage.close();
  }

  /**
   * The server of this process, and of its warm-up: built the same way (same handlers, same filter
   * class), so the code the JIT compiled during the warm-up is the code the measured server runs. A
   * warm-up server without the filter, or with another handler, left call sites whose profile
   * changed at GO: the JIT threw that code away and compiled again while it was measured (0.7 to
   * 3.5 s of compilation in a 1 to 2 s run).
   */
  private static BatonServer build(
      JobStorage storage,
      BatonServerConfig.Builder config,
      AppliedCounter applied,
      String serverId) {
    return BatonServer.builder(storage)
        .config(config.build())
        .filter(applied)
        .handle(BenchJobs.NOOP, (args, ctx) -> {})
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
  }

  /**
   * Warms the JIT up before the process says READY, so that the measured server runs compiled code,
   * as a server that has been up for a while does: rounds of no-op jobs, enqueued first, then run
   * by a server built as the measured one ({@link #build}), on a queue of this process's own, each
   * round a new server (the start and stop paths are then compiled too, and do not throw code away
   * after GO). At least {@code --warmup} jobs (default 30,000); then more rounds while the JIT
   * still compiles (over 5% of a round's time), at most {@link #WARMUP_EXTRA_ROUNDS} more and none
   * after {@link #WARMUP_EXTRA_AFTER}. Without this a 1 to 2 s run spent 0.5 to 3.5 s of CPU
   * compiling, on a machine whose other core is the storage's.
   *
   * @return the jobs it ran (the benchmark counts them in the storage's successes)
   */
  private static long warmUp(
      JobStorage storage, ServerProfile profile, String serverId, BenchOptions options)
      throws InterruptedException {
    int minimum = options.warmup();
    if (minimum <= 0) {
      return 0;
    }
    int round = Math.max(5_000, minimum / 3);
    String queue = "warmup-" + serverId;
    BatonClient client = BatonClient.create(storage);
    JobOptions onQueue = JobOptions.builder().queue(queue).build();
    long done = 0;
    int extra = 0;
    long started = System.nanoTime();
    while (true) {
      ProcessCost before = ProcessCost.now();
      long t0 = System.nanoTime();
      // As the measured run: the jobs wait in the queue before the server starts.
      BenchJobs.enqueueNoops(client, (int) done, round, onQueue);
      AppliedCounter applied = new AppliedCounter();
      BatonServer warm =
          build(
              storage,
              profile.config(serverId + "-warmup", options).queues(queue),
              applied,
              serverId);
      warm.start();
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (applied.count() < round) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("warm-up jobs did not run within 5 minutes");
        }
        Thread.sleep(5);
      }
      applied.close();
      warm.close();
      done += round;
      long roundMillis = (System.nanoTime() - t0) / 1_000_000;
      long jitMillis = ProcessCost.now().minus(before).jitMillis();
      if (done < minimum) {
        continue;
      }
      boolean quiet = jitMillis * 20 < roundMillis;
      boolean enough =
          extra++ >= WARMUP_EXTRA_ROUNDS
              || System.nanoTime() - started > WARMUP_EXTRA_AFTER.toNanos();
      if (quiet || enough) {
        long drained = awaitQuietJit();
        System.err.printf(
            Locale.ROOT,
            "%s warmed up: %,d jobs; JIT %d ms in the last round of %d ms, %d ms after it%n",
            serverId,
            done,
            jitMillis,
            roundMillis,
            drained);
        return done;
      }
    }
  }

  /**
   * Waits (at most 10 s) until the JIT has not compiled anything for 300 ms: methods the last round
   * made hot are still in the compiler's queue when it ends, and would otherwise be compiled on the
   * measured run's time. Returns the compilation time spent while waiting.
   */
  private static long awaitQuietJit() throws InterruptedException {
    long first = ProcessCost.now().jitMillis();
    long last = first;
    long quietSince = System.nanoTime();
    long deadline = quietSince + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline
        && System.nanoTime() - quietSince < TimeUnit.MILLISECONDS.toNanos(300)) {
      Thread.sleep(20);
      long now = ProcessCost.now().jitMillis();
      if (now != last) {
        last = now;
        quietSince = System.nanoTime();
      }
    }
    return last - first;
  }

  /** Rounds run after the minimum while the JIT still compiles. */
  static final int WARMUP_EXTRA_ROUNDS = 6;

  /** No extra round starts after this much warm-up (H2's defaults take 40 s for the minimum). */
  static final Duration WARMUP_EXTRA_AFTER = Duration.ofSeconds(60);

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

    long count() {
      return count.sum();
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

    /** Stops reporting; returns once no report is being printed (none can follow a READY). */
    @Override
    public void close() throws InterruptedException {
      timer.shutdownNow();
      if (!timer.awaitTermination(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the applied-count reporter did not stop");
      }
    }
  }
}
