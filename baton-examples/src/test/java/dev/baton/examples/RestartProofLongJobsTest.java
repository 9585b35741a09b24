package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.client.BatonClient;
import dev.baton.client.JobView;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.state.StateEntry;
import dev.baton.storage.JobStorage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Scenario 4 as processes: after {@code kill -9} of the instance running a long job, the other runs
 * it within the (demo's short) server timeout plus one rescue look; after a graceful stop (SIGTERM)
 * the job is handed over at once, well before any timeout could have played a part.
 */
class RestartProofLongJobsTest {
  private static final Duration SERVER_TIMEOUT = Duration.ofSeconds(4);

  /**
   * Declared dead after the timeout; rescue looks come every second; then a claim; slack for a busy
   * machine.
   */
  private static final Duration TAKE_OVER_BOUND = SERVER_TIMEOUT.plusSeconds(3);

  /** A graceful stop hands over without waiting for any timeout. */
  private static final Duration HAND_OVER_BOUND = Duration.ofMillis(1_500);

  @TempDir Path dir;

  private final List<ExampleProcess> processes = new ArrayList<>();

  static List<String> kinds() {
    return TestStorage.kinds().toList();
  }

  @AfterEach
  void killAll() throws InterruptedException {
    for (ExampleProcess p : processes) {
      p.close();
    }
  }

  private ExampleProcess instance(TestStorage store, String name, String... more) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--name=" + name,
                "--storage=" + store.url,
                "--server-timeout=" + SERVER_TIMEOUT.toSeconds() + "s",
                "--heartbeat=1s",
                "--dashboard=false"));
    args.addAll(List.of(more));
    ExampleProcess p =
        ExampleProcess.start(dir, name, RestartProofLongJobs.class, args.toArray(String[]::new));
    processes.add(p);
    p.await(Pattern.compile("^running;"));
    return p;
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void theSurvivorRunsAKilledInstancesJobAndAGracefulStopHandsItOverAtOnce(String kind)
      throws Exception {
    try (TestStorage store = TestStorage.create(kind, dir);
        JobStorage storage = store.open()) {
      BatonClient client = BatonClient.create(storage);
      ExampleProcess a = instance(store, "instance-a", "--enqueue", "--job-length=300s");
      ExampleProcess b = instance(store, "instance-b");
      JobId id = JobId.parse(a.await(Pattern.compile("enqueued long-import job (\\S+)")).group(1));
      Pattern started = Pattern.compile("nightly-import started \\(job " + id);
      Awaitility.await("the long job runs")
          .atMost(ExampleProcess.PATIENCE)
          .until(() -> state(client, id) == JobState.PROCESSING);
      String victimName = client.find(id).orElseThrow().owner();
      ExampleProcess victim = victimName.equals("instance-a") ? a : b;
      ExampleProcess survivor = victim == a ? b : a;
      victim.await(started);
      // Let it make some progress first, so that the run being taken over is a real one.
      victim.await(Pattern.compile("nightly-import step 2/"));

      victim.kill(); // SIGKILL: no goodbye, no release
      Instant killed = Instant.now();
      survivor.await(started);
      Instant tookOver = survivor.find(started).orElseThrow().at();
      Duration takeOver = Duration.between(killed, tookOver);
      System.out.printf(
          "%s: kill -9 -> running on %s after %d ms%n", kind, survivor, takeOver.toMillis());
      assertThat(takeOver).isLessThan(TAKE_OVER_BOUND);
      JobView afterKill = client.find(id).orElseThrow();
      assertThat(afterKill.owner()).isEqualTo(survivor.toString());
      assertThat(afterKill.attempt()).as("no attempt spent").isEqualTo(1);
      assertThat(afterKill.history())
          .anyMatch(e -> e.state() == JobState.ENQUEUED && e.reason().contains(victimName));
      assertThat(processingEntries(afterKill)).containsExactly(victimName, survivor.toString());

      // A new instance joins; the survivor is stopped gracefully: the job moves at once.
      ExampleProcess c = instance(store, "instance-c");
      survivor.stop(); // SIGTERM
      Instant stopping = Instant.now();
      c.await(started);
      Duration handOver = Duration.between(stopping, c.find(started).orElseThrow().at());
      System.out.printf("%s: SIGTERM -> running on %s after %d ms%n", kind, c, handOver.toMillis());
      assertThat(handOver).isLessThan(HAND_OVER_BOUND);
      assertThat(survivor.waitFor(ExampleProcess.PATIENCE)).isZero();
      assertThat(survivor.output()).contains("nightly-import stopping at step");
      JobView afterStop = client.find(id).orElseThrow();
      assertThat(afterStop.owner()).isEqualTo("instance-c");
      assertThat(afterStop.attempt()).isEqualTo(1);
      assertThat(processingEntries(afterStop))
          .containsExactly(victimName, survivor.toString(), "instance-c");
      assertThat(afterStop.history())
          .anyMatch(
              e ->
                  e.state() == JobState.ENQUEUED
                      && e.reason().contains(survivor.toString())
                      && e.reason().contains("head of its queue"));
    }
  }

  private static List<String> processingEntries(JobView view) {
    return view.history().stream()
        .filter(e -> e.state() == JobState.PROCESSING)
        .map(StateEntry::serverId)
        .toList();
  }

  private static JobState state(BatonClient client, JobId id) {
    return client.find(id).map(JobView::state).orElse(null);
  }
}
