package dev.baton.bench;

import dev.baton.bench.BenchServerMain.ServerProfile;
import dev.baton.client.BatonClient;
import dev.baton.job.JobOptions;
import dev.baton.storage.JobStorage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The storage benchmarks, on the storage chosen with {@code --storage} (postgres, h2, memory, ...):
 *
 * <ul>
 *   <li>throughput: N no-op jobs (default 20,000) enqueued first, then worked off by 1 and by 2
 *       server processes, default and tuned settings; jobs/s from GO to the last SUCCEEDED, the
 *       median of 3 runs of the same processes after an unmeasured one;
 *   <li>latency: 200 jobs enqueued 50 ms apart by this process while one server process idles;
 *       enqueue call to handler start, p50/p99 (after 2,000 unmeasured probes 1 ms apart that warm
 *       up the client's and the server's code); then one bare round trip to the storage with the
 *       same gaps, the yardstick ({@link IdleRoundTrip});
 *   <li>recovery: a server process running jobs is killed with SIGKILL; seconds until its job
 *       starts on the other process, default settings and the fast-recovery profile;
 *   <li>pgbench (postgres only): 8 clients of single-row UPDATEs for 10 s, the reference ratio;
 *   <li>redis-benchmark (redis only): SET, 50 clients, the reference ratio;
 *   <li>flat (postgres only, not in the default list): tuned throughput and pickup on a fresh
 *       table, then with {@code --bloat} (default 1,000,000) finished jobs in it.
 * </ul>
 *
 * <pre>
 * ./mvnw -q -pl baton-bench -am package -DskipTests -Dspotless.check.skip
 * java -cp "baton-bench/target/classes:$(cat baton-bench/target/classpath.txt)" \
 *     dev.baton.bench.StorageBench --storage=postgres
 * </pre>
 *
 * Options: {@code --storage=postgres|h2|redis|memory}, {@code --jobs=N}, {@code --rehearsals=N} and
 * {@code --runs=N} (unmeasured and measured throughput runs, default 1 and 3), {@code
 * --tuned-workers=N} and {@code --tuned-batch=N} (the tuned profile, default 256 and 256), {@code
 * --scenarios=throughput,latency,recovery,pgbench,redis-benchmark,flat}, {@code --jdbc-url=...},
 * {@code --user=...}, {@code --data-dir=...} (H2).
 */
public final class StorageBench {
  static final int PROBES = 200;
  static final Duration PROBE_GAP = Duration.ofMillis(50);

  /** Unmeasured probes before the measured ones, {@link #WARMUP_GAP_MS} apart. */
  static final int WARMUP_PROBES = 2_000;

  static final long WARMUP_GAP_MS = 1;

  /**
   * Kill runs per profile. Where the kill falls between two heartbeats decides the time, so one run
   * says little: the kills are spread over the heartbeat interval.
   */
  static final int RECOVERY_RUNS = 4;

  private final BenchOptions options;
  private final StorageSpec spec;
  private final List<String> report = new ArrayList<>();

  private StorageBench(BenchOptions options) {
    this.options = options;
    this.spec = StorageSpecs.create(options);
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("logback.configurationFile", "bench-logback.xml");
    StorageBench bench = new StorageBench(BenchOptions.parse(args));
    bench.run();
    System.exit(0);
  }

  private void run() throws Exception {
    line(
        "storage: "
            + spec.describe()
            + "; "
            + Runtime.getRuntime().availableProcessors()
            + " cores");
    if (!spec.sharedAcrossProcesses()) {
      line("(this storage cannot be shared by processes: multi-process scenarios are skipped)");
      return;
    }
    try {
      for (String scenario : options.scenarios()) {
        switch (scenario) {
          case "throughput" -> {
            throughput(ServerProfile.DEFAULT, 1);
            throughput(ServerProfile.DEFAULT, 2);
            throughput(ServerProfile.TUNED, 1);
            throughput(ServerProfile.TUNED, 2);
          }
          case "latency" -> {
            latency(ServerProfile.DEFAULT);
            latency(ServerProfile.TUNED);
            for (String yardstick : IdleRoundTrip.run(spec.name(), options)) {
              line(yardstick);
            }
          }
          case "recovery" -> {
            for (int run = 1; run <= RECOVERY_RUNS; run++) {
              recovery(ServerProfile.DEFAULT, run);
            }
            for (int run = 1; run <= RECOVERY_RUNS; run++) {
              recovery(ServerProfile.FAST_RECOVERY, run);
            }
          }
          case "flat" -> {
            if (spec.name().equals("postgres")) {
              flat();
            }
          }
          case "pgbench" -> {
            if (spec.name().equals("postgres")) {
              line(Pgbench.run(options));
            }
          }
          case "redis-benchmark" -> {
            if (spec.name().equals("redis")) {
              line(RedisBenchmark.run(options));
            }
          }
          default -> throw new IllegalArgumentException("unknown scenario " + scenario);
        }
      }
    } finally {
      // Remove what the run wrote (Redis: the namespace's keys; PostgreSQL: the bench schema; H2:
      // the files): a Redis run with --jobs=100000 left 1.16 million keys (633 MB) of finished
      // jobs, kept for the retention period.
      spec.reset();
    }
    System.out.println();
    System.out.println("---- summary ----");
    report.forEach(System.out::println);
  }

  private void line(String text) {
    System.out.println(text);
    report.add(text);
  }

  private void throughput(ServerProfile profile, int processes) throws Exception {
    spec.reset();
    throughput(profile, processes, "");
  }

  /**
   * Runs N jobs on the data set as it is (not reset); {@code label} tags the report line. The same
   * server processes do the run {@code --rehearsals} times unmeasured (default 1), then {@code
   * --runs} times measured (default 3), each time with a new server ({@link ServerProcess#again});
   * the report gives the median run, and every run's rate. Why: the warm-up of each process runs
   * alone on a queue of its own, so code that only runs when two processes share a queue was still
   * compiled in the first shared run (tuned, 2 processes: 519 ms of JIT in a run of 0.67 s, then 74
   * and 82 ms); and a run of under a second on this machine moves by 20% with what the host does
   * meanwhile, so one run says little.
   */
  private void throughput(ServerProfile profile, int processes, String label) throws Exception {
    int n = options.jobs();
    int rehearsals = options.rehearsals();
    int runs = options.runs();
    try (JobStorage storage = spec.open(StorageSpec.Profile.DEFAULT)) {
      long before = succeeded(storage);
      BatonClient client = BatonClient.create(storage);
      List<ServerProcess> servers = new ArrayList<>();
      List<Run> done = new ArrayList<>(); // the rehearsals, then the measured runs
      try {
        for (int p = 0; p < processes; p++) {
          servers.add(ServerProcess.launch(profile, "bench-" + p, options));
        }
        for (int round = 0; round < rehearsals + runs; round++) {
          if (round > 0) {
            for (ServerProcess s : servers) {
              s.again();
            }
          }
          long t0 = System.nanoTime();
          BenchJobs.enqueueNoops(client, n, JobOptions.NONE);
          double enqueueSeconds = (System.nanoTime() - t0) / 1e9;
          double storageCpu0 = spec.serverCpuSeconds();
          double seconds = runToEnd(servers, n);
          double storageCpu = spec.serverCpuSeconds() - storageCpu0;
          ProcessCost cost = ProcessCost.ZERO;
          for (ServerProcess s : servers) {
            cost = cost.plus(s.cost());
          }
          Run run = new Run(seconds, enqueueSeconds, cost, storageCpu);
          done.add(run);
          boolean rehearsal = round < rehearsals;
          System.out.printf(
              Locale.ROOT,
              "  %s %d: %s%n",
              rehearsal ? "rehearsal" : "run",
              rehearsal ? round + 1 : round - rehearsals + 1,
              run.describe(n));
        }
        long stored = succeeded(storage) - before;
        long expected =
            (long) n * (rehearsals + runs)
                + servers.stream().mapToLong(ServerProcess::warmedUp).sum();
        if (stored != expected) {
          throw new IllegalStateException(
              "the servers reported "
                  + expected
                  + " successes (with warm-up and rehearsals) but the storage holds "
                  + stored);
        }
        List<Run> measured = done.subList(rehearsals, done.size());
        List<String> rehearsed = done.subList(0, rehearsals).stream().map(r -> r.rate(n)).toList();
        List<Run> sorted = new ArrayList<>(measured);
        sorted.sort(Comparator.comparingDouble(Run::seconds));
        Run median = sorted.get(sorted.size() / 2);
        line(
            String.format(
                Locale.ROOT,
                "throughput %-8s %d process(es)%s: %,d no-op jobs, median of %d runs %.2f s = %s jobs/s (runs: %s; unmeasured before them: %s; enqueue: %,.0f jobs/s)",
                profile.name().toLowerCase(Locale.ROOT),
                processes,
                label,
                n,
                runs,
                median.seconds(),
                median.rate(n),
                String.join(", ", measured.stream().map(r -> r.rate(n)).toList()),
                rehearsed.isEmpty() ? "none" : String.join(", ", rehearsed),
                n / median.enqueueSeconds()));
        // Where the cores went, to tell a storage-bound run from a server still compiling.
        line("    median run: " + median.cost(n));
      } finally {
        for (ServerProcess s : servers) {
          s.close();
        }
      }
    }
  }

  /** One throughput run: its time, the enqueue's time and what the processes spent. */
  private record Run(
      double seconds, double enqueueSeconds, ProcessCost cost, double storageCpuSeconds) {
    String rate(int n) {
      return String.format(Locale.ROOT, "%,.0f", n / seconds);
    }

    String cost(int n) {
      return cost.perJob(n)
          + (Double.isNaN(storageCpuSeconds)
              ? ""
              : String.format(
                  Locale.ROOT, "; storage CPU %.1f us/job", storageCpuSeconds * 1e6 / n));
    }

    String describe(int n) {
      return String.format(Locale.ROOT, "%.2f s = %s jobs/s; %s", seconds, rate(n), cost(n));
    }
  }

  /**
   * Starts the servers (GO) on {@code n} waiting jobs and returns the seconds until they report all
   * of them applied. The processes print how many successes the storage accepted (every 5 ms): the
   * end is seen without querying the storage while it is measured.
   */
  static double runToEnd(List<ServerProcess> servers, int n) throws Exception {
    long start = System.nanoTime();
    for (ServerProcess s : servers) {
      s.go();
    }
    while (servers.stream().mapToLong(ServerProcess::applied).sum() < n) {
      Thread.sleep(1);
      if (System.nanoTime() - start > Duration.ofMinutes(10).toNanos()) {
        throw new IllegalStateException("throughput run did not finish in 10 minutes");
      }
    }
    return (System.nanoTime() - start) / 1e9;
  }

  private void latency(ServerProfile profile) throws Exception {
    spec.reset();
    latency(profile, "");
  }

  private void latency(ServerProfile profile, String label) throws Exception {
    try (JobStorage storage = spec.open(profile.storageProfile());
        ServerProcess server = ServerProcess.launch(profile, "bench-idle", options)) {
      BatonClient client = BatonClient.create(storage);
      server.go();
      server.await("STARTED", Duration.ofSeconds(30));
      // Warm-up: the client's enqueue and the server's pickup path (a push, a hand-over) are
      // compiled before anything is measured, as in an application that has been up for a while.
      for (int i = 0; i < WARMUP_PROBES; i++) {
        client.enqueue(BenchJobs.PROBE, new BenchJobs.Probe(BenchJobs.nowMicros()));
        server.await("PICKUP", Duration.ofSeconds(30));
        Thread.sleep(WARMUP_GAP_MS);
      }
      // Both JVMs start the measured probes with an empty young generation: a collection in the
      // ten seconds of probes is then one the probes themselves caused, and is reported below.
      System.gc();
      server.collectGarbage();
      Thread.sleep(1000); // let the server settle into idle
      ProcessCost clientBefore = ProcessCost.now();
      ProcessCost serverBefore = server.cost();
      long[] micros = new long[PROBES];
      long[] enqueueMicros = new long[PROBES];
      for (int i = 0; i < PROBES; i++) {
        long sent = BenchJobs.nowMicros();
        client.enqueue(BenchJobs.PROBE, new BenchJobs.Probe(sent));
        enqueueMicros[i] = BenchJobs.nowMicros() - sent;
        String line = server.await("PICKUP", Duration.ofSeconds(30));
        micros[i] = Long.parseLong(line.substring("PICKUP ".length()));
        Thread.sleep(PROBE_GAP.toMillis());
      }
      ProcessCost clientGc = ProcessCost.now().minus(clientBefore);
      ProcessCost serverGc = server.cost().minus(serverBefore);
      System.out.println("  slowest probes (probe #: ms): " + slowest(micros, 6));
      System.out.printf(
          Locale.ROOT,
          "  GC during the probes: client %d collections (%d ms), server %d (%d ms)%n",
          clientGc.gcCount(),
          clientGc.gcMillis(),
          serverGc.gcCount(),
          serverGc.gcMillis());
      Arrays.sort(enqueueMicros);
      System.out.printf(
          Locale.ROOT,
          "  the client's enqueue call (part of the pickup): p50 %.2f ms, p99 %.2f ms%n",
          enqueueMicros[PROBES / 2] / 1000.0,
          enqueueMicros[(int) Math.ceil(PROBES * 0.99) - 1] / 1000.0);
      Arrays.sort(micros);
      line(
          String.format(
              Locale.ROOT,
              "pickup latency %-8s%s (idle server, %d jobs %d ms apart, enqueued by another process): p50 %.2f ms, p99 %.2f ms, max %.2f ms",
              profile.name().toLowerCase(Locale.ROOT),
              label,
              PROBES,
              PROBE_GAP.toMillis(),
              micros[PROBES / 2] / 1000.0,
              micros[(int) Math.ceil(PROBES * 0.99) - 1] / 1000.0,
              micros[PROBES - 1] / 1000.0));
    }
  }

  /** The {@code count} slowest samples with their position, to tell warm-up from steady state. */
  private static String slowest(long[] micros, int count) {
    Integer[] order = new Integer[micros.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (a, b) -> Long.compare(micros[b], micros[a]));
    StringBuilder text = new StringBuilder();
    for (int k = 0; k < Math.min(count, order.length); k++) {
      text.append(String.format(Locale.ROOT, "#%d: %.2f  ", order[k], micros[order[k]] / 1000.0));
    }
    return text.toString().trim();
  }

  /**
   * Claim cost with a big history (PostgreSQL): the tuned throughput and the pickup latency on a
   * fresh table, then again once the table holds {@code --bloat} finished jobs (default 1,000,000).
   */
  private void flat() throws Exception {
    throughput(ServerProfile.TUNED, 1);
    latency(ServerProfile.DEFAULT, "");
    long rows =
        PgBloat.fill(
            options,
            options.schema() == null ? PostgresSpec.SCHEMA : options.schema(),
            options.bloat());
    String label = String.format(Locale.ROOT, " [%,d finished rows]", rows);
    throughput(ServerProfile.TUNED, 1, label);
    latency(ServerProfile.DEFAULT, label);
  }

  private long succeeded(JobStorage storage) {
    return spec.succeeded(storage);
  }

  private void recovery(ServerProfile profile, int run) throws Exception {
    spec.reset();
    try (JobStorage storage = spec.open(StorageSpec.Profile.DEFAULT);
        // Recovery does not depend on warm code: no warm-up (it would cost ~20 s per process).
        ServerProcess victim =
            ServerProcess.launch(profile, "bench-victim", options, List.of("--warmup=0"));
        ServerProcess rescuer =
            ServerProcess.launch(profile, "bench-rescuer", options, List.of("--warmup=0"))) {
      BatonClient client = BatonClient.create(storage);
      victim.go();
      victim.await("STARTED", Duration.ofSeconds(30));
      client.enqueue(BenchJobs.HOLD, new BenchJobs.Hold(Duration.ofMinutes(5).toMillis()));
      String started = victim.await("START", Duration.ofSeconds(30));
      String job = started.split(" ")[1];
      rescuer.go();
      rescuer.await("STARTED", Duration.ofSeconds(30));
      // Both beating; each run kills at a different point of the 2 s heartbeat cycle.
      Thread.sleep(3000 + 500L * (run - 1));
      long killedAt = BenchJobs.nowMicros();
      victim.kill();
      String rerun = rescuer.await("START " + job, Duration.ofMinutes(2));
      long rerunAt = Long.parseLong(rerun.split(" ")[3]);
      line(
          String.format(
              Locale.ROOT,
              "recovery %-13s run %d: kill -9 -> job running on the other process: %.2f s",
              profile.name().toLowerCase(Locale.ROOT),
              run,
              (rerunAt - killedAt) / 1e6));
    }
  }
}
