package dev.baton.examples;

import dev.baton.client.BatonClient;
import dev.baton.client.JobView;
import dev.baton.concurrency.WaitPolicy;
import dev.baton.job.JobContext;
import dev.baton.job.JobId;
import dev.baton.job.JobOptions;
import dev.baton.job.JobType;
import dev.baton.server.BatonServer;
import dev.baton.server.BatonServerConfig;
import dev.baton.state.JobState;
import dev.baton.storage.BlockInfo;
import dev.baton.storage.JobQuery;
import dev.baton.storage.JobRecord;
import dev.baton.storage.JobStorage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Scenario 1, the per-resource mutex (Hangfire.Pro's {@code [Mutex("video:{0}")]}): a long {@code
 * download-video} job holds the mutex {@code video:{videoId}}. Five downloads of video 42 and two
 * of video 7 run one at a time per video and side by side across videos; while they wait, the
 * example prints who waits for whom. Waiting jobs hold no worker: they are parked (BLOCKED) and the
 * next one becomes claimable the moment the running one finishes.
 *
 * <p>{@code --mode=reschedule} is the Hangfire-compatible variant: a blocked job is rescheduled
 * {@code --retry-delay} later and deleted, with the reason, after {@code --attempts} blocked tries.
 *
 * <pre>
 * baton-examples/run mutex [--storage=URL] [--job-length=3s] [--mode=wait|reschedule]
 *     [--retry-delay=2s] [--attempts=3] [--workers=4] [--port=0] [--exit-when-done]
 * </pre>
 */
public final class PerResourceMutex {
  /** One download request: the video, and its number among the requests for that video. */
  public record Download(int videoId, int request) {}

  /** The job type: the mutex key is resolved from the arguments when a job is enqueued. */
  public static final JobType<Download> DOWNLOAD_VIDEO =
      JobType.of("download-video", Download.class).withOptions(o -> o.mutex("video:{videoId}"));

  private final Console out;
  private final Duration jobLength;

  private PerResourceMutex(Console out, Duration jobLength) {
    this.out = out;
    this.jobLength = jobLength;
  }

  public static void main(String[] args) throws InterruptedException {
    Options.exitOnBadInput();
    Options options = Options.parse(args);
    String url = ExampleStorage.url(options);
    Duration jobLength = options.getDuration("job-length", Duration.ofSeconds(3));
    String mode = options.get("mode", "wait");
    Duration retryDelay = options.getDuration("retry-delay", Duration.ofSeconds(2));
    int attempts = options.getInt("attempts", 3);
    int workers = options.getInt("workers", 4);
    boolean exitWhenDone = options.getBoolean("exit-when-done", false);
    String name = options.get("name", "mutex-demo");
    JobOptions perJob =
        switch (mode) {
          case "wait" -> JobOptions.NONE;
          case "reschedule" ->
              JobOptions.builder().waitPolicy(WaitPolicy.reschedule(retryDelay, attempts)).build();
          default ->
              throw new IllegalArgumentException(
                  "--mode is wait or reschedule, got '" + mode + "'");
        };
    Console out = new Console(name);
    PerResourceMutex example = new PerResourceMutex(out, jobLength);
    ExampleDashboard.Settings web = ExampleDashboard.Settings.of(options);
    options.checkNoneLeft(); // before anything is opened: a typo changes nothing
    StopSignal stop = StopSignal.install();
    try (JobStorage storage = ExampleStorage.open(url)) {
      BatonClient client = BatonClient.create(storage);
      ExampleDashboard dashboard =
          ExampleDashboard.startIfWanted(web, storage, client, List.of(DOWNLOAD_VIDEO));
      out.say(
          "storage %s, mode %s, each download takes %s",
          ExampleStorage.describe(url), mode, jobLength);
      if (dashboard != null) {
        out.say("dashboard: %s (Jobs > Blocked shows who waits for whom)", dashboard.url());
      }
      // Enqueued before the server starts, so the first claim sees all seven at once.
      Map<JobId, Download> jobs = new LinkedHashMap<>();
      for (Download d : requests()) {
        JobId id = client.enqueue(DOWNLOAD_VIDEO, d, perJob).id();
        jobs.put(id, d);
        out.say("enqueued %s: job %s", label(d), id);
      }
      try (BatonServer server =
          BatonServer.builder(storage)
              .config(BatonServerConfig.builder().serverId(name).workers(workers).build())
              .handle(DOWNLOAD_VIDEO, example::download)
              .build()
              .start()) {
        example.watch(client, jobs);
        example.summary(client, jobs);
        if (!exitWhenDone) {
          out.say(
              "all done; Ctrl-C to stop%s",
              dashboard == null ? "" : " (the dashboard stays at " + dashboard.url() + ")");
          stop.await();
        }
      } finally {
        if (dashboard != null) {
          dashboard.close();
        }
      }
    }
    System.exit(0); // drivers may leave non-daemon threads behind
  }

  private static List<Download> requests() {
    List<Download> list = new ArrayList<>();
    for (int n = 1; n <= 5; n++) {
      list.add(new Download(42, n));
      if (n <= 2) {
        list.add(new Download(7, n));
      }
    }
    return list;
  }

  private static String label(Download d) {
    return "video " + d.videoId() + " download #" + d.request();
  }

  /** The long job: holds video:{videoId} for its whole run, stops early if cancelled. */
  private void download(Download d, JobContext ctx) throws InterruptedException {
    out.say("%s started (job %s, attempt %d)", label(d), ctx.jobId(), ctx.attempt());
    long steps = Math.max(1, jobLength.toMillis() / 100);
    for (int i = 1; i <= steps; i++) {
      ctx.throwIfCancellationRequested();
      Thread.sleep(100);
      ctx.progress((int) (i * 100 / steps));
    }
    out.say("%s finished (job %s)", label(d), ctx.jobId());
  }

  /** Prints who waits for whom whenever that changes, until every job is final. */
  private void watch(BatonClient client, Map<JobId, Download> jobs) throws InterruptedException {
    Set<String> last = new TreeSet<>();
    while (true) {
      Set<String> now = new TreeSet<>();
      for (JobRecord r :
          client.monitor().findJobs(JobQuery.inState(JobState.BLOCKED, 100)).items()) {
        Download d = jobs.get(r.spec().id());
        BlockInfo b = r.blocked();
        if (d == null || b == null || b.permit() == null) {
          continue;
        }
        now.add(
            String.format(
                "%s (job %s) waits for mutex %s, held by job %s (%s), place %d in line",
                label(d),
                r.spec().id(),
                b.permit().key(),
                b.holders().isEmpty() ? "-" : b.holders().get(0),
                b.holders().isEmpty() || jobs.get(b.holders().get(0)) == null
                    ? "?"
                    : label(jobs.get(b.holders().get(0))),
                b.position()));
      }
      if (!now.equals(last)) {
        now.stream().filter(line -> !last.contains(line)).forEach(line -> out.say("%s", line));
        last.clear();
        last.addAll(now);
      }
      boolean allFinal =
          jobs.keySet().stream()
              .map(client::find)
              .allMatch(v -> v.isEmpty() || isFinal(v.get().state()));
      if (allFinal) {
        return;
      }
      Thread.sleep(200);
    }
  }

  private static boolean isFinal(JobState state) {
    return state == JobState.SUCCEEDED || state == JobState.FAILED || state == JobState.DELETED;
  }

  private void summary(BatonClient client, Map<JobId, Download> jobs) {
    out.say("summary:");
    jobs.forEach(
        (id, d) -> {
          JobView v = client.find(id).orElseThrow();
          out.say(
              "  %s (job %s): %s%s",
              label(d),
              id,
              v.state(),
              v.state() == JobState.SUCCEEDED ? "" : " - " + v.lastEntry().reason());
        });
  }
}
