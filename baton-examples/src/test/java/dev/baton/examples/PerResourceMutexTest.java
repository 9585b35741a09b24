package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.client.BatonClient;
import dev.baton.client.JobView;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.state.StateEntry;
import dev.baton.storage.JobStorage;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Scenario 1 as a process: one download at a time per video, side by side across videos. */
class PerResourceMutexTest {
  private static final Pattern ENQUEUED =
      Pattern.compile("enqueued video (\\d+) download #(\\d+): job (\\S+)");
  private static final Pattern WAITS =
      Pattern.compile(
          "video (\\d+) download #(\\d+) \\(job (\\S+)\\) waits for mutex video:(\\d+), held by"
              + " job (\\S+) \\(video (\\d+) download #(\\d+)\\), place (\\d+) in line");

  @TempDir Path dir;

  /** One run of a job: from its PROCESSING entry to the entry after it (storage clock). */
  record Run(JobId id, int video, int request, Instant from, Instant to) {
    boolean overlaps(Run o) {
      return from.isBefore(o.to) && o.from.isBefore(to);
    }
  }

  record Job(int video, int request) {}

  static List<String> kinds() {
    return TestStorage.kinds().toList();
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void oneAtATimePerVideoInLineOrderSideBySideAcrossVideos(String kind) throws Exception {
    try (TestStorage store = TestStorage.create(kind, dir);
        JobStorage storage = store.open();
        ExampleProcess demo =
            ExampleProcess.start(
                dir,
                "mutex",
                PerResourceMutex.class,
                "--storage=" + store.url,
                "--job-length=1s",
                "--dashboard=false",
                "--exit-when-done")) {
      assertThat(demo.waitFor(ExampleProcess.PATIENCE)).as(demo.output()).isZero();
      Map<JobId, Job> jobs = enqueued(demo);
      assertThat(jobs).hasSize(7);
      BatonClient client = BatonClient.create(storage);
      List<Run> runs = new ArrayList<>();
      for (Map.Entry<JobId, Job> e : jobs.entrySet()) {
        JobView view = client.find(e.getKey()).orElseThrow();
        assertThat(view.state()).as("%s", e.getValue()).isEqualTo(JobState.SUCCEEDED);
        List<Run> ofJob = runs(view, e.getValue());
        assertThat(ofJob).as("runs of %s", e.getValue()).hasSize(1);
        runs.addAll(ofJob);
      }
      for (int video : List.of(42, 7)) {
        List<Run> ofVideo =
            runs.stream()
                .filter(r -> r.video() == video)
                .sorted(Comparator.comparing(Run::from))
                .toList();
        for (int i = 1; i < ofVideo.size(); i++) {
          assertThat(ofVideo.get(i).from())
              .as("video %d: %s starts after %s ended", video, ofVideo.get(i), ofVideo.get(i - 1))
              .isAfterOrEqualTo(ofVideo.get(i - 1).to());
        }
        // Parked jobs wait in line (FIFO per key): they run in the order they were enqueued.
        assertThat(ofVideo.stream().map(Run::request).toList()).isSorted();
      }
      assertThat(runs)
          .as("a download of video 42 runs side by side with one of video 7")
          .anyMatch(
              a -> a.video() == 42 && runs.stream().anyMatch(b -> b.video() == 7 && a.overlaps(b)));

      // Who waits for whom: every waiting line names a holder of the same video, earlier in line.
      List<Matcher> waits = demo.matches(WAITS);
      assertThat(waits).as(demo.output()).isNotEmpty();
      assertThat(waits.stream().map(m -> m.group(1)).distinct()).contains("42", "7");
      for (Matcher m : waits) {
        assertThat(m.group(4)).isEqualTo(m.group(1));
        assertThat(m.group(6)).isEqualTo(m.group(1));
        assertThat(Integer.parseInt(m.group(7))).isLessThan(Integer.parseInt(m.group(2)));
        assertThat(jobs.get(JobId.parse(m.group(5))))
            .isEqualTo(new Job(Integer.parseInt(m.group(6)), Integer.parseInt(m.group(7))));
      }
      // The first look sees all four later downloads of video 42 in line behind #1.
      assertThat(demo.output()).contains("video 42 download #5", "place 4 in line");
    }
  }

  /**
   * The reschedule mode is decided in the storage's admission code, one for JDBC (H2 and
   * PostgreSQL) and one for Redis: with H2 in the list, PostgreSQL adds nothing but time.
   */
  static List<String> admissionKinds() {
    List<String> all = TestStorage.kinds().toList();
    return all.stream().filter(k -> !k.equals("postgres") || !all.contains("h2")).toList();
  }

  @ParameterizedTest
  @MethodSource("admissionKinds")
  void hangfireCompatibleModeReschedulesThenDeletesWithTheReason(String kind) throws Exception {
    try (TestStorage store = TestStorage.create(kind, dir);
        JobStorage storage = store.open();
        ExampleProcess demo =
            ExampleProcess.start(
                dir,
                "mutex-reschedule",
                PerResourceMutex.class,
                "--storage=" + store.url,
                "--mode=reschedule",
                "--job-length=3s",
                "--retry-delay=300ms",
                "--attempts=2",
                "--dashboard=false",
                "--exit-when-done")) {
      assertThat(demo.waitFor(ExampleProcess.PATIENCE)).as(demo.output()).isZero();
      Map<JobId, Job> jobs = enqueued(demo);
      BatonClient client = BatonClient.create(storage);
      List<Run> runs = new ArrayList<>();
      int deleted = 0;
      for (Map.Entry<JobId, Job> e : jobs.entrySet()) {
        JobView view = client.find(e.getKey()).orElseThrow();
        runs.addAll(runs(view, e.getValue()));
        assertThat(view.state()).isIn(JobState.SUCCEEDED, JobState.DELETED);
        if (view.state() == JobState.DELETED) {
          deleted++;
          assertThat(view.lastEntry().reason())
              .matches("blocked by job \\S+, all attempts exhausted");
          // Rescheduled once before that, never parked.
          assertThat(view.history()).anyMatch(h -> h.state() == JobState.SCHEDULED);
          assertThat(view.history()).noneMatch(h -> h.state() == JobState.BLOCKED);
          assertThat(demo.output()).contains(e.getKey() + "): DELETED - blocked by job");
        }
      }
      // Two blocked tries 300 ms apart, well within the first 3 s run: the later ones give up.
      assertThat(deleted).as(demo.output()).isGreaterThanOrEqualTo(1);
      for (Run a : runs) {
        for (Run b : runs) {
          if (a != b && a.video() == b.video()) {
            assertThat(a.overlaps(b)).as("%s and %s", a, b).isFalse();
          }
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("admissionKinds")
  void theCliAndTheDashboardSayWhoWaitsForWhom(String kind) throws Exception {
    try (TestStorage store = TestStorage.create(kind, dir);
        JobStorage storage = store.open();
        ExampleProcess demo =
            ExampleProcess.start(
                dir,
                "mutex-long",
                PerResourceMutex.class,
                "--storage=" + store.url,
                "--job-length=120s",
                "--port=0")) {
      String dashboard = demo.await(Pattern.compile("dashboard: (http://\\S+?)/? ")).group(1);
      Matcher waits =
          demo.await(
              Pattern.compile(
                  "video 42 download #5 \\(job (\\S+)\\) waits for mutex video:42, held by job (\\S+)"
                      + " \\(video 42 download #1\\), place 4 in line"));
      try (ExampleProcess cli =
          ExampleProcess.start(
              dir,
              "cli-show",
              CancellationTest.BATON_CLI,
              "jobs",
              "show",
              waits.group(1),
              "--storage=" + store.url)) {
        assertThat(cli.waitFor(ExampleProcess.PATIENCE)).as(cli.output()).isZero();
        assertThat(cli.output())
            .contains("BLOCKED")
            .contains("mutex 'video:42' held by " + waits.group(2) + ", place 4 in line");
      }
      // The dashboard's REST API (what its job page shows) says the same.
      java.net.http.HttpResponse<String> r =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create(dashboard + "/api/v1/jobs/" + waits.group(1)))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      com.fasterxml.jackson.databind.JsonNode blocked =
          new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).path("blocked");
      assertThat(blocked.path("kind").asText()).as(r.body()).isEqualTo("mutex");
      assertThat(blocked.path("key").asText()).isEqualTo("video:42");
      assertThat(blocked.path("holders").get(0).asText()).isEqualTo(waits.group(2));
      assertThat(blocked.path("position").asInt()).isEqualTo(4);
    }
  }

  private static Map<JobId, Job> enqueued(ExampleProcess demo) {
    Map<JobId, Job> jobs = new LinkedHashMap<>();
    for (Matcher m : demo.matches(ENQUEUED)) {
      jobs.put(
          JobId.parse(m.group(3)),
          new Job(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))));
    }
    return jobs;
  }

  private static List<Run> runs(JobView view, Job job) {
    List<Run> runs = new ArrayList<>();
    List<StateEntry> h = view.history();
    for (int i = 0; i < h.size(); i++) {
      if (h.get(i).state() == JobState.PROCESSING) {
        Instant end = i + 1 < h.size() ? h.get(i + 1).at() : Instant.MAX;
        runs.add(new Run(view.id(), job.video(), job.request(), h.get(i).at(), end));
      }
    }
    return runs;
  }
}
