package dev.baton.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.client.JobView;
import dev.baton.faults.LedgerReader.Run;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Permits follow the run, not the state. Three jobs under one mutex, on two server processes; each
 * works 6 s and looks at its token only every 2 s, ignoring interrupts. The running one is
 * requeued, and later the one running then is deleted: each old run goes on for up to 2 s after it
 * was told to stop. The ledger must show that no two runs of the key ever overlapped (nor two runs
 * of the requeued job), that the requeued job waited, visibly, for its own old run, and that every
 * job ended as asked: the requeued one and the untouched one SUCCEEDED, the deleted one DELETED.
 */
class RequeueTest {
  private static final int TOTAL_MS = 6000;
  private static final int CHECK_EVERY_MS = 2000;

  @ParameterizedTest
  @EnumSource(
      value = Backend.Kind.class,
      names = {"POSTGRES", "H2", "REDIS"})
  void noTwoRunsOfAKeyOverlapThroughARequeueAndADelete(Backend.Kind kind) throws Exception {
    try (Fleet fleet = new Fleet("requeue", kind)) {
      Settings settings = Settings.atLeast(4000, 4, 4, fleet.backend.longestCall());
      fleet.server("a", settings, null, "pollMs=200");
      fleet.server("b", settings, null, "pollMs=200");
      List<JobId> jobs = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        jobs.add(
            fleet
                .client
                .enqueue(
                    FaultJobs.STUBBORN, new FaultJobs.Stubborn(i, "1", TOTAL_MS, CHECK_EVERY_MS))
                .id());
      }
      JobId first = jobs.get(0);
      await("the first job to run")
          .atMost(Duration.ofSeconds(60))
          .until(() -> runsOf(fleet, first).size() == 1);
      Thread.sleep(300); // into its first 2 s, so its old run outlives the requeue by seconds

      assertThat(fleet.client.requeue(first)).isTrue();
      JobView waiting = fleet.find(first).orElseThrow();
      assertThat(waiting.state())
          .as("the requeued job waits for its old run")
          .isEqualTo(JobState.BLOCKED);
      assertThat(waiting.blocked().waitsForPreviousRun()).isTrue();

      // The next holder of the key, whichever job it is, is deleted while it runs.
      await("a second run of the key")
          .atMost(Duration.ofSeconds(60))
          .until(() -> allRuns(fleet).size() >= 2);
      Run second = allRuns(fleet).get(1);
      Thread.sleep(300);
      JobId deleted = new JobId(java.util.UUID.fromString(second.job()));
      assertThat(fleet.client.delete(deleted)).isTrue();

      List<JobId> survivors = jobs.stream().filter(id -> !id.equals(deleted)).toList();
      await("the other two jobs to succeed")
          .atMost(Duration.ofSeconds(120))
          .until(() -> fleet.all(survivors, JobState.SUCCEEDED));
      await("every run to end")
          .atMost(Duration.ofSeconds(30))
          .until(() -> allRuns(fleet).stream().allMatch(Run::ended));
      assertThat(fleet.state(deleted)).isEqualTo(JobState.DELETED);

      List<Run> runs = allRuns(fleet);
      System.out.printf("REQUEUE %s: %s; runs: %s%n", kind, settings, fleet.ledger.runsByJob());
      for (int i = 0; i < runs.size(); i++) {
        for (int j = i + 1; j < runs.size(); j++) {
          assertThat(runs.get(i).overlaps(runs.get(j)))
              .as("runs of key res:1 overlap: %s and %s", runs.get(i), runs.get(j))
              .isFalse();
        }
      }
      List<Run> firstRuns = runsOf(fleet, first);
      if (!first.equals(deleted)) {
        assertThat(firstRuns).as("the requeued job ran again").hasSize(2);
        assertThat(firstRuns.get(0).completed()).as("its old run stopped on its token").isFalse();
        assertThat(firstRuns.get(1).completed()).isTrue();
      }
      Run oldFirst = firstRuns.get(0);
      assertThat(Duration.ofNanos(oldFirst.endNanos() - oldFirst.cancelNanos()))
          .as("the old run went on after it was told to stop (the case under test)")
          .isGreaterThan(Duration.ofMillis(500));
    }
  }

  private static List<Run> runsOf(Fleet fleet, JobId id) {
    return fleet.ledger.runsByJob().getOrDefault(id.toString(), List.of());
  }

  /** Every run of every job, by start. */
  private static List<Run> allRuns(Fleet fleet) {
    Map<String, List<Run>> byJob = fleet.ledger.runsByJob();
    List<Run> all = new ArrayList<>();
    byJob.values().forEach(all::addAll);
    all.sort(java.util.Comparator.comparingLong(Run::startNanos));
    return all;
  }
}
