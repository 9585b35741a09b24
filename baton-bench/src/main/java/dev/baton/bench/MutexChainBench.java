package dev.baton.bench;

import dev.baton.client.JobSpecFactory;
import dev.baton.job.JobId;
import dev.baton.job.JobOptions;
import dev.baton.job.JobType;
import dev.baton.json.JsonCodec;
import dev.baton.server.BatonServer;
import dev.baton.server.BatonServerConfig;
import dev.baton.storage.JobMonitor;
import dev.baton.storage.JobStorage;
import dev.baton.storage.NewJob;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The mutex chain: {@value #CHAIN} jobs of {@value #WORK_MS} ms each on ONE mutex key, enqueued at
 * once, on the chosen storage (default in-memory) with a default-configured server. Measures the
 * wall time from the enqueue call to the return of the last handler. The ideal is {@code CHAIN *
 * WORK_MS}; the rest is the hand-over from one job to the next (release, wake-up, claim), which
 * must not wait for a poll. Hangfire.Throttling's mutex re-tries a blocked job every 15 s or more.
 *
 * <pre>
 * ./mvnw -q -pl baton-bench -am package -DskipTests -Dspotless.check.skip
 * java -cp "baton-bench/target/classes:$(cat baton-bench/target/classpath.txt)" \
 *     dev.baton.bench.MutexChainBench
 * </pre>
 *
 * Arguments (optional): measured runs (default {@value #RUNS}), warm-up runs (default {@value
 * #WARMUP}), and {@code --storage=memory|postgres|h2|redis} with the connection options of {@link
 * BenchOptions} (default {@code memory}).
 *
 * <p>The warm-up is whole chains on the same JVM: a chain runs its hand-over path only once per
 * job, so after 2 chains (200 jobs) parts of it still ran interpreted or C1-compiled, and the chain
 * times fell run after run (Redis, 2026-11-24: 1.30, 1.19, 1.16, then 1.13–1.16 s from the fifth
 * chain on). Ten chains measure the server as it runs once it has been up for a while.
 */
public final class MutexChainBench {
  static final int CHAIN = 100;
  static final int WORK_MS = 10;
  static final int RUNS = 7;
  static final int WARMUP = 10;
  static final double TARGET_SECONDS = 1.2;

  /** Arguments of a link of the chain: its place in it. */
  public record Link(int seq) {}

  static final JobType<Link> LINK =
      JobType.of("bench-mutex-chain", Link.class).withOptions(o -> o.mutex("chain"));

  private MutexChainBench() {}

  public static void main(String[] args) throws Exception {
    // Quiet (warnings only): per-job debug logging would be measured too.
    System.setProperty("logback.configurationFile", "bench-logback.xml");
    List<String> numbers = Arrays.stream(args).filter(a -> !a.startsWith("--")).toList();
    List<String> options = new ArrayList<>(List.of("--storage=memory"));
    Arrays.stream(args).filter(a -> a.startsWith("--")).forEach(options::add);
    StorageSpec spec = StorageSpecs.create(BenchOptions.parse(options.toArray(String[]::new)));
    int runs = numbers.size() > 0 ? Integer.parseInt(numbers.get(0)) : RUNS;
    int warmup = numbers.size() > 1 ? Integer.parseInt(numbers.get(1)) : WARMUP;
    for (int i = 0; i < warmup; i++) {
      Result r = runOnce(spec);
      System.out.printf("warm-up %d: %s%n", i + 1, r);
    }
    double[] seconds = new double[runs];
    for (int i = 0; i < runs; i++) {
      Result r = runOnce(spec);
      seconds[i] = r.seconds();
      System.out.printf("run %d: %s%n", i + 1, r);
    }
    Arrays.sort(seconds);
    double median = seconds[runs / 2];
    double sleeps = sleepsOnly();
    double handOverMs = (median - sleeps) * 1000 / (CHAIN - 1);
    System.out.printf(
        "baseline: %d back-to-back sleeps of %d ms on one thread take %.3f s%n",
        CHAIN, WORK_MS, sleeps);
    System.out.printf(
        "mutex chain: %d jobs x %d ms on one key, %s, default server: median %.3f s"
            + " (min %.3f, max %.3f, %d runs); hand-over %.2f ms per job beyond the baseline;"
            + " target <= %.1f s: %s%n",
        CHAIN,
        WORK_MS,
        spec.describe(),
        median,
        seconds[0],
        seconds[runs - 1],
        runs,
        handOverMs,
        TARGET_SECONDS,
        median <= TARGET_SECONDS ? "met" : "MISSED");
  }

  /** What the chain would take with zero hand-over cost: the same sleeps, one after another. */
  static double sleepsOnly() throws InterruptedException {
    long start = System.nanoTime();
    for (int i = 0; i < CHAIN; i++) {
      Thread.sleep(WORK_MS);
    }
    return (System.nanoTime() - start) / 1e9;
  }

  /** One measured chain. */
  record Result(double seconds, int outOfOrder, int maxConcurrent) {
    @Override
    public String toString() {
      return String.format(
          "%.3f s (out of order: %d, max concurrent on the key: %d)",
          seconds, outOfOrder, maxConcurrent);
    }
  }

  static Result runOnce(StorageSpec spec) throws Exception {
    spec.reset();
    CountDownLatch done = new CountDownLatch(CHAIN);
    AtomicLong lastEnd = new AtomicLong();
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger maxInside = new AtomicInteger();
    AtomicInteger expected = new AtomicInteger();
    AtomicInteger outOfOrder = new AtomicInteger();
    JsonCodec json = new JsonCodec();
    JobSpecFactory specs = new JobSpecFactory(json);
    try (JobStorage storage = spec.open(StorageSpec.Profile.DEFAULT);
        BatonServer server =
            BatonServer.builder(storage)
                .config(BatonServerConfig.defaults())
                .handle(
                    LINK,
                    (link, ctx) -> {
                      maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                      if (expected.getAndIncrement() != link.seq()) {
                        outOfOrder.incrementAndGet();
                      }
                      Thread.sleep(WORK_MS);
                      inside.decrementAndGet();
                      lastEnd.set(System.nanoTime());
                      done.countDown();
                    })
                .build()
                .start()) {
      awaitRegistered(storage);
      List<NewJob> chain = new ArrayList<>();
      for (int i = 0; i < CHAIN; i++) {
        chain.add(
            NewJob.now(
                specs.build(JobId.newId(), LINK, new Link(i), JobOptions.NONE, null, null),
                "bench"));
      }
      long start = System.nanoTime();
      storage.create(chain);
      if (!done.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("chain did not finish: " + done.getCount() + " left");
      }
      return new Result((lastEnd.get() - start) / 1e9, outOfOrder.get(), maxInside.get());
    }
  }

  /** The server claims only once registered; measure hand-overs, not its start-up. */
  private static void awaitRegistered(JobStorage storage) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (((JobMonitor) storage).servers().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
  }
}
