package dev.baton.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.client.JobRequest;
import dev.baton.faults.LedgerReader.Run;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.JobMonitor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 18's first reproduction, as a test: the shortest settings Baton accepts, 256 workers and a
 * claim batch of 256, two server processes, 20,000 jobs, and a CPU hog process that keeps every
 * core busy the whole time. Every job must run exactly once: no duplicate start, none lost. Slow
 * (minutes per storage), so tagged {@code faults}: run with {@code -Pfaults}.
 */
@Tag("faults")
class StarvationTest {
  static final int JOBS = Integer.getInteger("faults.starvation.jobs", 20_000);

  /**
   * With {@code -Dfaults.starvation.callTimeoutMs=600}, the servers lower their storage's call
   * timeouts to that, which lets Baton accept its floor (1 s server timeout, 333 ms heartbeat);
   * without it, the shortest settings accepted with the storage's default call timeouts.
   */
  static final Integer CALL_TIMEOUT_MS = Integer.getInteger("faults.starvation.callTimeoutMs");

  @ParameterizedTest
  @EnumSource(Backend.Kind.class)
  void twoServersOnTheShortestSettingsUnderACpuHogRunEveryJobOnce(Backend.Kind kind)
      throws Exception {
    try (Fleet fleet = new Fleet("starvation", kind)) {
      Settings settings =
          Settings.shortestAccepted(
              256,
              256,
              CALL_TIMEOUT_MS == null
                  ? fleet.backend.longestCall()
                  : Duration.ofMillis(CALL_TIMEOUT_MS));
      List<String> extra = new ArrayList<>(List.of("pool=16", "deferStart=true"));
      if (CALL_TIMEOUT_MS != null) {
        extra.add("callTimeoutMs=" + CALL_TIMEOUT_MS);
      }
      List<JobId> ids = new ArrayList<>();
      for (int from = 0; from < JOBS; from += 1000) {
        List<JobRequest> chunk = new ArrayList<>();
        for (int i = from; i < Math.min(JOBS, from + 1000); i++) {
          chunk.add(JobRequest.of(FaultJobs.QUICK, new FaultJobs.Quick(i)));
        }
        fleet.client.enqueueAll(chunk).forEach(r -> ids.add(r.id()));
      }
      // Both boot before either starts: a server that boots under the hog while its peer already
      // drains the queue would join too late to share the work.
      ServerProcess a = fleet.launch("a", settings, null, extra.toArray(String[]::new));
      ServerProcess b = fleet.launch("b", settings, null, extra.toArray(String[]::new));
      a.awaitLine("READY", Duration.ofSeconds(120));
      b.awaitLine("READY", Duration.ofSeconds(120));
      int cores = Runtime.getRuntime().availableProcessors();
      ServerProcess hog = fleet.process("hog", CpuHog.class.getName(), "" + cores, "1200");
      long t0 = System.nanoTime();
      a.send("start");
      b.send("start");
      a.awaitLine("STARTED", Duration.ofSeconds(60));
      b.awaitLine("STARTED", Duration.ofSeconds(60));
      JobMonitor monitor = (JobMonitor) fleet.backend.storage();
      await("every job to run and the storage to show none pending")
          .atMost(Duration.ofMinutes(15))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> completed(fleet.ledger.runsByJob()) >= JOBS && pending(monitor) == 0);
      long seconds = (System.nanoTime() - t0) / 1_000_000_000;
      Thread.sleep(3000); // late duplicates, if any, have time to show
      a.send("stats");
      String statsA = a.awaitLine("STATS", Duration.ofSeconds(30));
      b.send("stats");
      String statsB = b.awaitLine("STATS", Duration.ofSeconds(30));
      hog.kill();

      Map<String, List<Run>> runs = fleet.ledger.runsByJob();
      long starts = runs.values().stream().mapToLong(List::size).sum();
      long duplicates = starts - runs.size();
      long dupIds = runs.values().stream().filter(r -> r.size() > 1).count();
      long lost = JOBS - completed(runs);
      long onA =
          runs.values().stream().flatMap(List::stream).filter(r -> r.server().equals("a")).count();
      System.out.printf(
          "STARVATION %s: %s, call timeout %s; %d jobs in %d s under a %d-thread CPU hog; starts %d, duplicates %d"
              + " (%d ids), lost %d; a ran %d, b ran %d; heartbeat lateness a: %s; b: %s%n",
          kind,
          settings,
          CALL_TIMEOUT_MS == null ? "default" : CALL_TIMEOUT_MS + " ms",
          JOBS,
          seconds,
          cores,
          starts,
          duplicates,
          dupIds,
          lost,
          onA,
          starts - onA,
          statsA,
          statsB);
      assertThat(duplicates).as("duplicate starts (%d job ids)", dupIds).isZero();
      assertThat(lost).as("jobs never completed").isZero();
      assertThat(fleet.all(ids.subList(0, 100), JobState.SUCCEEDED)).isTrue();
    }
  }

  private static long completed(Map<String, List<Run>> runs) {
    return runs.values().stream().filter(r -> r.stream().anyMatch(Run::completed)).count();
  }

  private static long pending(JobMonitor monitor) {
    Map<JobState, Long> counts = monitor.countByState();
    return counts.entrySet().stream()
        .filter(e -> e.getKey() != JobState.SUCCEEDED)
        .mapToLong(Map.Entry::getValue)
        .sum();
  }
}
