package dev.baton.bench;

import dev.baton.bench.BenchServerMain.ServerProfile;
import dev.baton.client.BatonClient;
import dev.baton.filter.AppliedContext;
import dev.baton.filter.JobFilter;
import dev.baton.job.JobOptions;
import dev.baton.server.BatonServer;
import dev.baton.storage.JobStorage;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The server's own cost per job, with no storage round trip in the way: a {@link BatonServer} with
 * the tuned profile on an in-memory storage in this JVM works off N no-op jobs (default 200,000)
 * enqueued before it starts. Reports jobs/s and the JVM's CPU time per job (process CPU, so GC and
 * JIT count too), split by server thread (claim loop, workers, committers) with the bytes they
 * allocated per job. The in-memory storage's own work runs on those threads and is included:
 * compare runs, not absolute numbers. On the 2-core machine the storages share with the server,
 * every microsecond here is throughput lost on PostgreSQL and Redis.
 *
 * <pre>
 * ./mvnw -q -pl baton-bench -am package -DskipTests -Dspotless.check.skip
 * java -cp "baton-bench/target/classes:$(cat baton-bench/target/classpath.txt)" \
 *     dev.baton.bench.ServerOverheadBench
 * </pre>
 *
 * Arguments (optional): measured runs (default {@value #RUNS}), and {@code --jobs=N} (default
 * {@value #JOBS}), {@code --warmup=N} (no-op jobs run once before the measured runs, default
 * {@value BenchOptions#DEFAULT_WARMUP} times three), {@code --tuned-workers=N}, {@code
 * --tuned-batch=N}, {@code --storage=postgres|redis|h2} with their connection options (default
 * memory; on a real storage the JVM's CPU per job includes its driver, not the storage's own
 * process), {@code --latency-us=N} (a wait added to every claim and finish, as a network round trip
 * would: shows the server's wake-ups and batching; default 0). For a profile, add {@code
 * -XX:StartFlightRecording=filename=/tmp/overhead.jfr,settings=profile} to the {@code java}
 * command.
 */
public final class ServerOverheadBench {
  static final int JOBS = 200_000;
  static final int RUNS = 3;
  private static final String LATENCY = "--latency-us=";

  private ServerOverheadBench() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("logback.configurationFile", "bench-logback.xml");
    List<String> numbers = Arrays.stream(args).filter(a -> !a.startsWith("--")).toList();
    long latencyMicros =
        Arrays.stream(args)
            .filter(a -> a.startsWith(LATENCY))
            .mapToLong(a -> Long.parseLong(a.substring(LATENCY.length())))
            .findFirst()
            .orElse(0);
    List<String> named = new ArrayList<>(List.of("--storage=memory"));
    Arrays.stream(args)
        .filter(a -> a.startsWith("--") && !a.startsWith(LATENCY))
        .forEach(named::add);
    BenchOptions options = BenchOptions.parse(named.toArray(String[]::new));
    StorageSpec spec = StorageSpecs.create(options);
    boolean jobsGiven = options.raw().stream().anyMatch(a -> a.startsWith("--jobs="));
    boolean warmupGiven = options.raw().stream().anyMatch(a -> a.startsWith("--warmup="));
    int jobs = jobsGiven ? options.jobs() : JOBS;
    int warmup = warmupGiven ? options.warmup() : 3 * BenchOptions.DEFAULT_WARMUP;
    int runs = numbers.isEmpty() ? RUNS : Integer.parseInt(numbers.get(0));
    System.out.printf(
        Locale.ROOT,
        "in-process server overhead: %s (+%d us per claim and finish), tuned profile (%d"
            + " workers, batch %d), %d cores%n",
        spec.describe(),
        latencyMicros,
        options.tunedWorkers(),
        options.tunedBatch(),
        Runtime.getRuntime().availableProcessors());
    if (warmup > 0) {
      System.out.println(
          "warm-up:  " + runOnce(spec, options, latencyMicros, "overhead-warmup", warmup));
    }
    List<Result> results = new ArrayList<>();
    for (int i = 1; i <= runs; i++) {
      Result r = runOnce(spec, options, latencyMicros, "overhead-" + i, jobs);
      results.add(r);
      System.out.println("run " + i + ":    " + r);
    }
    results.sort((a, b) -> Double.compare(a.cpuMicrosPerJob(), b.cpuMicrosPerJob()));
    System.out.println("median:   " + results.get(results.size() / 2));
    System.exit(0);
  }

  /** What one run measured. */
  record Result(
      int jobs,
      double seconds,
      double cpuMicrosPerJob,
      double storageMicrosPerJob,
      double switchesPerJob,
      double jobsPerClaim,
      double jobsPerWrite,
      Map<String, double[]> byThread) {
    @Override
    public String toString() {
      StringBuilder s =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "%,d jobs in %.2f s = %,.0f jobs/s; JVM CPU %.1f us/job;%s %.2f thread"
                      + " switches/job; %.0f jobs/claim, %.0f jobs/write",
                  jobs,
                  seconds,
                  jobs / seconds,
                  cpuMicrosPerJob,
                  Double.isNaN(storageMicrosPerJob)
                      ? ""
                      : String.format(
                          Locale.ROOT, " storage CPU %.1f us/job;", storageMicrosPerJob),
                  switchesPerJob,
                  jobsPerClaim,
                  jobsPerWrite));
      byThread.forEach(
          (role, v) ->
              s.append(String.format(Locale.ROOT, "; %s %.1f us %,.0f B", role, v[0], v[1])));
      return s.toString();
    }
  }

  private static Result runOnce(
      StorageSpec spec, BenchOptions options, long latencyMicros, String serverId, int n)
      throws Exception {
    spec.reset();
    JobStorage real = spec.open(StorageSpec.Profile.TUNED);
    Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    JobStorage storage = counted(real, latencyMicros, calls);
    BatonClient client = BatonClient.create(storage);
    BenchJobs.enqueueNoops(client, n, JobOptions.NONE);
    CountDownLatch done = new CountDownLatch(n);
    BatonServer server =
        BatonServer.builder(storage)
            .config(ServerProfile.TUNED.config(serverId, options).build())
            .filter(
                new JobFilter() {
                  @Override
                  public void onApplied(AppliedContext context) {
                    if (context.applied()) {
                      done.countDown();
                    }
                  }
                })
            .handle(BenchJobs.NOOP, (args, ctx) -> {})
            .build();
    System.gc();
    double storageCpu0 = spec.serverCpuSeconds();
    long switches0 = contextSwitches();
    ProcessCost cost0 = ProcessCost.now();
    long t0 = System.nanoTime();
    server.start();
    if (!done.await(10, TimeUnit.MINUTES)) {
      throw new IllegalStateException("the jobs did not run within 10 minutes");
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    long cpu = ProcessCost.now().minus(cost0).cpuNanos();
    long switches = contextSwitches() - switches0;
    double storageCpu = spec.serverCpuSeconds() - storageCpu0;
    Map<String, double[]> byThread = byThread("baton-" + serverId + "-", n);
    server.close();
    real.close();
    long claims =
        calls.getOrDefault("claim", new LongAdder()).sum()
            + calls.getOrDefault("claimOrOffer", new LongAdder()).sum();
    long writes =
        calls.getOrDefault("finish", new LongAdder()).sum()
            + calls.getOrDefault("finishAll", new LongAdder()).sum();
    return new Result(
        n,
        seconds,
        cpu / 1e3 / n,
        storageCpu * 1e6 / n,
        switches / (double) n,
        n / (double) claims,
        n / (double) writes,
        byThread);
  }

  /**
   * Context switches of this process's threads so far (Linux; 0 elsewhere): how often threads
   * blocked and were woken, each wake costing a scheduler round trip on a busy 2-core machine.
   */
  private static long contextSwitches() {
    long sum = 0;
    try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
      for (var task : (Iterable<java.nio.file.Path>) tasks::iterator) {
        try {
          for (String line : java.nio.file.Files.readAllLines(task.resolve("status"))) {
            if (line.contains("ctxt_switches:")) {
              sum += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
          }
        } catch (java.io.IOException e) {
          // the thread ended meanwhile
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      return 0;
    }
    return sum;
  }

  /**
   * The storage, counting claims and finishes in {@code calls}, with {@code micros} of waiting
   * added to each as a round trip would: the server's threads then block as they do on a network
   * storage (so its wake-ups and batching show), at no CPU cost.
   */
  private static JobStorage counted(JobStorage storage, long micros, Map<String, LongAdder> calls) {
    Set<String> remote = Set.of("claim", "claimOrOffer", "leasedTo", "finish", "finishAll");
    InvocationHandler handler =
        (proxy, method, args) -> {
          if (remote.contains(method.getName())) {
            calls.computeIfAbsent(method.getName(), m -> new LongAdder()).increment();
            if (micros > 0) {
              LockSupport.parkNanos(micros * 1_000);
            }
          }
          try {
            return method.invoke(storage, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        };
    return (JobStorage)
        Proxy.newProxyInstance(
            JobStorage.class.getClassLoader(), new Class<?>[] {JobStorage.class}, handler);
  }

  /**
   * CPU microseconds and allocated bytes per job of the server's threads (all created for this
   * run), grouped by role: the part of the thread name after the server id, without its number.
   */
  private static Map<String, double[]> byThread(String prefix, int n) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Map<String, double[]> roles = new TreeMap<>();
    for (long id : ((ThreadMXBean) threads).getAllThreadIds()) {
      var info = threads.getThreadInfo(id);
      if (info == null || !info.getThreadName().startsWith(prefix)) {
        continue;
      }
      String role = info.getThreadName().substring(prefix.length()).replaceAll("-?\\d+$", "");
      double[] v = roles.computeIfAbsent(role, r -> new double[2]);
      v[0] += Math.max(0, threads.getThreadCpuTime(id)) / 1e3 / n;
      v[1] += Math.max(0, threads.getThreadAllocatedBytes(id)) / (double) n;
    }
    return roles;
  }
}
