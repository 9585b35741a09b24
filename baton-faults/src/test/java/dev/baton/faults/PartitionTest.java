package dev.baton.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.client.JobView;
import dev.baton.faults.LedgerReader.Run;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.state.StateEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The loopback proxy between server A and the storage is cut (nothing passes, nothing is closed: a
 * partition, not a restart) while A runs slow jobs and B, idle, waits with free workers. B rescues
 * A's jobs once A is silent for the server timeout, and starts them at once. The ledger must show
 * each of A's runs ended, on its cancellation, before B's run of the same job began; after the
 * proxy heals, A's late writes (outcomes, heartbeats, whatever it sent during the cut) change
 * nothing: every job is SUCCEEDED by B, once.
 */
class PartitionTest {
  private static final int WORKERS = 4;
  private static final int STEP_MS = 20;

  @ParameterizedTest
  @EnumSource(Backend.Kind.class)
  void aCutOffServerStopsItsJobsBeforeAPeerStartsThemAndItsLateWritesAreRefused(Backend.Kind kind)
      throws Exception {
    try (Fleet fleet = new Fleet("partition", kind)) {
      Settings settings = Settings.atLeast(2000, WORKERS, WORKERS, fleet.backend.longestCall());
      // A server timeout and 4 s of work: A's runs are still going when it must stop them.
      int steps = (int) ((settings.timeoutMs() + 4000) / STEP_MS);
      TcpProxy proxy = fleet.proxy();
      ServerProcess a = fleet.server("a", settings, proxy.port(), "pollMs=200");
      ServerProcess b = fleet.server("b", settings, null, "pollMs=200", "deferStart=true");

      List<JobId> all = PauseTest.enqueue(fleet, WORKERS, 0, steps);
      await("A to run " + WORKERS + " jobs")
          .atMost(Duration.ofSeconds(60))
          .until(() -> fleet.ledger.running("a") == WORKERS);
      List<String> onA = new ArrayList<>(PauseTest.startedOn(fleet, "a"));
      b.send("start");
      b.awaitLine("STARTED", Duration.ofSeconds(30));

      proxy.cut();
      long cutAt = System.nanoTime();
      await("B to rescue and start A's jobs")
          .atMost(Duration.ofSeconds(90))
          .until(() -> PauseTest.startedOn(fleet, "b").containsAll(onA));
      long rescuedAfter = System.nanoTime() - cutAt;
      // Whatever A would do on its own in the cut, it has done by now.
      Thread.sleep(settings.timeoutMs());
      Map<String, List<Run>> duringCut = fleet.ledger.runsByJob();

      proxy.heal();
      await("every job to succeed")
          .atMost(Duration.ofSeconds(120))
          .until(() -> fleet.all(all, JobState.SUCCEEDED));
      await("A's runs to end")
          .atMost(Duration.ofSeconds(60))
          .until(() -> fleet.ledger.running("a") == 0);
      Thread.sleep(settings.timeoutMs()); // A's late writes land, and are refused

      Map<String, List<Run>> runs = fleet.ledger.runsByJob();
      List<String> report = new ArrayList<>();
      for (String job : onA) {
        Run ranOnA = on(duringCut.get(job), "a");
        Run ranOnB = on(runs.get(job), "b");
        report.add(
            "cancel "
                + (ranOnA.cancelNanos() == LedgerReader.NONE
                    ? "none"
                    : PauseTest.ms(ranOnA.cancelNanos() - cutAt) + " ms")
                + " after the cut, A's end "
                + (ranOnA.ended()
                    ? PauseTest.ms(ranOnB.startNanos() - ranOnA.endNanos()) + " ms"
                    : "never")
                + " before B's start");
      }
      System.out.printf(
          "PARTITION %s: %s; B started A's jobs %d ms after the cut; %s; A's 'lease lost' lines: %d;"
              + " runs: %s%n",
          kind,
          settings,
          PauseTest.ms(rescuedAfter),
          report,
          a.logLinesContaining("lease lost") + a.logLinesContaining("refused"),
          runs);

      for (String job : onA) {
        Run ranOnA = on(duringCut.get(job), "a");
        Run ranOnB = on(runs.get(job), "b");
        assertThat(ranOnA.cancelNanos())
            .as("A's run of %s saw its cancellation during the cut: %s", job, runs.get(job))
            .isNotEqualTo(LedgerReader.NONE);
        assertThat(ranOnA.ended() && !ranOnA.completed())
            .as("A's run of %s stopped on its token during the cut: %s", job, runs.get(job))
            .isTrue();
        assertThat(ranOnA.endNanos())
            .as("A's run of %s ended before B's run began: %s", job, runs.get(job))
            .isLessThan(ranOnB.startNanos());
      }
      for (JobId id : all) {
        List<Run> jobRuns = runs.get(id.toString());
        assertThat(jobRuns.stream().filter(Run::completed))
            .as("completed runs of job %s: %s", id, jobRuns)
            .hasSize(1);
        for (Run x : jobRuns) {
          for (Run y : jobRuns) {
            assertThat(x == y || !x.overlaps(y))
                .as("overlapping runs of %s: %s", id, jobRuns)
                .isTrue();
          }
        }
      }
      for (String job : onA) {
        JobView view = fleet.find(JobId.parse(job)).orElseThrow();
        List<StateEntry> history = view.history();
        int bStarted = -1;
        for (int i = 0; i < history.size(); i++) {
          StateEntry e = history.get(i);
          if (e.state() == JobState.PROCESSING && "b".equals(e.serverId())) {
            bStarted = i;
          }
        }
        assertThat(bStarted).as("B's PROCESSING entry in %s", history).isNotNegative();
        assertThat(history.subList(bStarted, history.size()))
            .as("A wrote nothing to job %s after B took it: %s", job, history)
            .noneMatch(e -> "a".equals(e.serverId()));
        assertThat(view.lastEntry().state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(view.lastEntry().serverId()).isEqualTo("b");
      }
      b.close();
      a.close();
    }
  }

  private static Run on(List<Run> runs, String server) {
    return runs.stream()
        .filter(r -> r.server().equals(server))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no run on " + server + " in " + runs));
  }
}
