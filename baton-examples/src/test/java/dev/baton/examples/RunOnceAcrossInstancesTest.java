package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.client.BatonClient;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.state.StateEntry;
import dev.baton.storage.JobQuery;
import dev.baton.storage.JobRecord;
import dev.baton.storage.JobStorage;
import dev.baton.storage.LogLine;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Scenario 3 as processes: two instances on one storage register the same recurring heartbeat;
 * every occurrence runs exactly once and its history and log name the instance that ran it; the
 * distributed lock never has two holders and its fencing tokens strictly increase.
 */
class RunOnceAcrossInstancesTest {
  private static final Pattern RAN = Pattern.compile("heartbeat ran \\(job (\\S+), attempt");
  private static final Pattern TAKEN =
      Pattern.compile("lock 'critical-section' taken, fencing token (\\d+)");
  private static final Pattern RELEASED =
      Pattern.compile("lock 'critical-section' released, fencing token (\\d+)");
  private static final Duration EVERY = Duration.ofSeconds(2);
  private static final int OCCURRENCES = 5;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  static List<String> kinds() {
    return TestStorage.kinds().toList();
  }

  record Held(String who, long token, Instant from, Instant to) {}

  @ParameterizedTest
  @MethodSource("kinds")
  void eachOccurrenceRunsOnceAndTheLockHasOneHolderAtATime(String kind) throws Exception {
    try (TestStorage store = TestStorage.create(kind, dir);
        JobStorage storage = store.open();
        ExampleProcess a = instance(store, "instance-a");
        ExampleProcess b = instance(store, "instance-b")) {
      List<ExampleProcess> both = List.of(a, b);
      Awaitility.await(OCCURRENCES + " heartbeats")
          .atMost(ExampleProcess.PATIENCE)
          .pollInterval(Duration.ofMillis(200))
          .until(() -> a.matches(RAN).size() + b.matches(RAN).size() >= OCCURRENCES);
      a.stop();
      b.stop();
      assertThat(a.waitFor(ExampleProcess.PATIENCE)).isZero();
      assertThat(b.waitFor(ExampleProcess.PATIENCE)).isZero();

      // Runs per occurrence, counted over both instances' output: exactly one each.
      Map<JobId, List<String>> ranBy = new HashMap<>();
      for (ExampleProcess p : both) {
        for (Matcher m : p.matches(RAN)) {
          ranBy.computeIfAbsent(JobId.parse(m.group(1)), k -> new ArrayList<>()).add(p.toString());
        }
      }
      ranBy.forEach((id, who) -> assertThat(who).as("runs of occurrence job %s", id).hasSize(1));
      System.out.printf(
          "%s: %d occurrences, run by %s%n",
          kind, ranBy.size(), ranBy.values().stream().map(w -> w.get(0)).sorted().toList());

      // The storage agrees: one job per occurrence, each with one run, on the instance that
      // printed it, named in the job's own log; occurrences follow each other without a gap.
      BatonClient client = BatonClient.create(storage);
      List<JobRecord> jobs =
          client.monitor().findJobs(new JobQuery(null, null, "heartbeat", 0, 1000)).items();
      assertThat(jobs.stream().map(j -> j.spec().id()))
          .containsExactlyInAnyOrderElementsOf(ranBy.keySet());
      List<Instant> occurrences = new ArrayList<>();
      for (JobRecord listed : jobs) {
        JobRecord job = client.find(listed.spec().id()).orElseThrow().record();
        assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
        List<StateEntry> runs =
            job.history().stream().filter(e -> e.state() == JobState.PROCESSING).toList();
        assertThat(runs).hasSize(1);
        String instance = ranBy.get(job.spec().id()).get(0);
        assertThat(runs.get(0).serverId()).isEqualTo(instance);
        assertThat(job.logs().stream().map(LogLine::message))
            .anyMatch(line -> line.contains("ran on instance " + instance));
        occurrences.add(
            Instant.parse(JSON.readTree(job.spec().metaJson()).get("occurrence").asText()));
      }
      occurrences.sort(Comparator.naturalOrder());
      assertThat(occurrences).doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(OCCURRENCES);
      // On the cron grid. The default overlap policy (SKIP) may skip an occurrence while the
      // previous run is still active, so a gap of a few periods is allowed; two runs never.
      for (Instant occurrence : occurrences) {
        assertThat(occurrence.getEpochSecond() % EVERY.toSeconds()).isZero();
        assertThat(occurrence.getNano()).isZero();
      }
      System.out.printf("%s: occurrences %s%n", kind, occurrences);

      // The lock: one holder at a time, tokens strictly increasing in the order it was taken.
      List<Held> held = new ArrayList<>();
      for (ExampleProcess p : both) {
        Map<Long, Instant> taken = new HashMap<>();
        for (ExampleProcess.Line line : p.lines()) {
          Matcher t = TAKEN.matcher(line.text());
          Matcher r = RELEASED.matcher(line.text());
          if (t.find()) {
            taken.put(Long.parseLong(t.group(1)), line.at());
          } else if (r.find()) {
            long token = Long.parseLong(r.group(1));
            held.add(new Held(p.toString(), token, taken.remove(token), line.at()));
          }
        }
      }
      held.sort(Comparator.comparing(Held::from));
      assertThat(held.stream().map(Held::who).distinct())
          .containsExactlyInAnyOrder("instance-a", "instance-b");
      for (int i = 1; i < held.size(); i++) {
        Held before = held.get(i - 1);
        Held after = held.get(i);
        assertThat(after.from())
            .as("%s taken after %s was released", after, before)
            .isAfterOrEqualTo(before.to());
        assertThat(after.token())
            .as("tokens of %s then %s", before, after)
            .isGreaterThan(before.token());
      }
      assertThat(a.output() + b.output())
          .as("the instances did collide on the lock")
          .contains("is held by another instance");
    }
  }

  private ExampleProcess instance(TestStorage store, String name) throws Exception {
    ExampleProcess p =
        ExampleProcess.start(
            dir,
            name,
            RunOnceAcrossInstances.class,
            "--name=" + name,
            "--storage=" + store.url,
            "--every=" + EVERY.toSeconds() + "s",
            "--lock-every=300ms",
            "--hold=300ms",
            "--dashboard=false");
    p.await(Pattern.compile("recurring job 'heartbeat' registered"));
    return p;
  }
}
