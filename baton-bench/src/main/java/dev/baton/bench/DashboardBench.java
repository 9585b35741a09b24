package dev.baton.bench;

import dev.baton.bench.RouteTimer.Route;
import dev.baton.bench.RouteTimer.Timing;
import dev.baton.dashboard.Dashboard;
import dev.baton.dashboard.jdk.DashboardServer;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.JobCursor;
import dev.baton.storage.JobMonitor;
import dev.baton.storage.JobRecord;
import dev.baton.storage.JobStorage;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dashboard and REST API at scale (issue 17): a data set of {@code --finished} finished jobs
 * (default 1,000,000) and {@code --queued} ENQUEUED ones (default 10,000), see {@link
 * DashboardData}; then
 *
 * <ul>
 *   <li>{@code routes}: every page and API call the dashboard makes, over HTTP against a real
 *       {@link DashboardServer} on loopback: median, p95 and max of {@code --calls} calls (default
 *       25) after {@code --warmup-calls} unmeasured rounds (default 5); the event stream's tick;
 *   <li>{@code throughput}: no-op jobs/s of a default server without and with a dashboard tab open
 *       ({@link DashboardThroughput}), {@code --runs} of each (default 3), N = {@code --jobs}.
 * </ul>
 *
 * <pre>
 * ./mvnw -q -pl baton-bench -am package -DskipTests -Dspotless.check.skip
 * java -cp "baton-bench/target/classes:$(cat baton-bench/target/classpath.txt)" \
 *     dev.baton.bench.DashboardBench --storage=redis --finished=1000000 --queued=10000 --reuse
 * </pre>
 *
 * Options: {@code --parts=routes,throughput} (or {@code fill}, or {@code none}), {@code --reuse}
 * (keep a complete data set of at least this size instead of filling again), {@code --clean}
 * (remove the data set at the end; {@code --parts=none --clean} only removes it), and every {@link
 * BenchOptions} option. The data set lives in {@code --schema} (default {@value #SCHEMA}: a
 * PostgreSQL schema or a Redis namespace of its own), and stays there for the next {@code --reuse}
 * unless {@code --clean} is given.
 */
public final class DashboardBench {
  static final String SCHEMA = "baton_dashboard_bench";

  private final Settings settings;
  private final BenchOptions options;
  private final StorageSpec spec;
  private final List<String> report = new ArrayList<>();

  /** This benchmark's own options; the others are {@link BenchOptions}. */
  record Settings(
      long finished,
      int queued,
      boolean reuse,
      boolean clean,
      Set<String> parts,
      int calls,
      int warmupCalls) {
    static Settings parse(String[] args, List<String> rest) {
      long finished = 1_000_000;
      int queued = 10_000;
      boolean reuse = false;
      boolean clean = false;
      Set<String> parts = new LinkedHashSet<>(List.of("routes", "throughput"));
      int calls = 25;
      int warmupCalls = 5;
      for (String arg : args) {
        String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
        String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : "";
        switch (name) {
          case "--finished" -> finished = Long.parseLong(value);
          case "--queued" -> queued = Integer.parseInt(value);
          case "--reuse" -> reuse = true;
          case "--clean" -> clean = true;
          case "--parts" -> parts = new LinkedHashSet<>(List.of(value.split(",")));
          case "--calls" -> calls = Integer.parseInt(value);
          case "--warmup-calls" -> warmupCalls = Integer.parseInt(value);
          default -> rest.add(arg);
        }
      }
      if (calls < 20) {
        throw new IllegalArgumentException("--calls must be at least 20, got " + calls);
      }
      return new Settings(finished, queued, reuse, clean, parts, calls, warmupCalls);
    }
  }

  private DashboardBench(Settings settings, BenchOptions options) {
    this.settings = settings;
    this.options = options;
    this.spec = StorageSpecs.create(options);
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("logback.configurationFile", "bench-logback.xml");
    List<String> rest = new ArrayList<>();
    Settings settings = Settings.parse(args, rest);
    if (rest.stream().noneMatch(a -> a.startsWith("--schema="))) {
      rest.add("--schema=" + SCHEMA);
    }
    new DashboardBench(settings, BenchOptions.parse(rest.toArray(String[]::new))).run();
    System.exit(0);
  }

  private void run() throws Exception {
    line(
        String.format(
            Locale.ROOT,
            "dashboard bench: %s; %d cores; %,d finished + %,d queued jobs; load %s",
            spec.describe(),
            Runtime.getRuntime().availableProcessors(),
            settings.finished(),
            settings.queued(),
            load()));
    boolean measure =
        settings.parts().contains("routes") || settings.parts().contains("throughput");
    if (measure || settings.parts().contains("fill")) {
      prepare();
    }
    if (measure) {
      try (JobStorage storage = spec.open(StorageSpec.Profile.DEFAULT);
          AutoCloseable held = new DashboardData(storage).holdOpen()) {
        HttpClient http =
            HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        if (settings.parts().contains("routes")) {
          routes(storage, http);
        }
        if (settings.parts().contains("throughput")) {
          line("throughput, load before: " + load());
          new DashboardThroughput(options, storage, http, this::line).run(options.runs());
          line("throughput, load after: " + load());
        }
      }
    }
    if (settings.clean()) {
      spec.reset();
      line("removed the data set (" + spec.describe() + ")");
    }
    System.out.println();
    System.out.println("---- summary ----");
    report.forEach(System.out::println);
  }

  /** Reuses a complete data set (with {@code --reuse}) or fills a new one. */
  private void prepare() {
    boolean complete;
    try (JobStorage storage = spec.open(StorageSpec.Profile.DEFAULT)) {
      complete =
          settings.reuse()
              && new DashboardData(storage).complete(settings.finished(), settings.queued());
    }
    if (complete) {
      line("reusing the data set: " + counts());
    } else {
      spec.reset();
      long t0 = System.nanoTime();
      try (JobStorage storage = spec.open(StorageSpec.Profile.DEFAULT)) {
        new DashboardData(storage).fill(settings.finished(), settings.queued());
      }
      spec.settle();
      line(
          String.format(
              Locale.ROOT,
              "filled the data set through the storage SPI in %.0f s: %s",
              (System.nanoTime() - t0) / 1e9,
              counts()));
    }
    line("data set size: " + spec.dataSize());
  }

  private String counts() {
    try (JobStorage storage = spec.open(StorageSpec.Profile.DEFAULT)) {
      Map<JobState, Long> counts = ((JobMonitor) storage).countByState();
      StringBuilder text = new StringBuilder();
      for (JobState s : JobState.values()) {
        text.append(String.format(Locale.ROOT, "%s %,d ", s, counts.getOrDefault(s, 0L)));
      }
      return text.toString().trim();
    }
  }

  private void routes(JobStorage storage, HttpClient http) throws Exception {
    JobMonitor monitor = (JobMonitor) storage;
    try (Dashboard dashboard = Dashboard.builder(storage).jobTypes(DashboardData.types()).build();
        DashboardServer web =
            DashboardServer.start(dashboard, DashboardServer.Options.builder().port(0).build())) {
      String base = web.url().replaceAll("/$", "");
      RouteTimer timer = new RouteTimer(http, base);
      List<Route> routes = routeList(monitor, timer);
      line("routes, load before: " + load());
      List<Timing> timings = timer.time(routes, settings.warmupCalls(), settings.calls());
      line(
          String.format(
              Locale.ROOT,
              "routes: %d calls each after %d unmeasured rounds, milliseconds (request sent to last byte)",
              settings.calls(),
              settings.warmupCalls()));
      line("| route | request | median | p95 | max | status | bytes |");
      line("|---|---|---|---|---|---|---|");
      for (Timing t : timings) {
        line(t.row());
      }
      try (BrowserTab tab = BrowserTab.open(http, base)) {
        // A tick that takes seconds (a slow stats read) must still be reported, not waited out.
        boolean all =
            tab.awaitTicks(settings.calls() + 1, Duration.ofSeconds(settings.calls() * 10L));
        line(tickRow(tab.tickGaps(), all));
      }
      long over = timings.stream().filter(Timing::overBudget).count();
      line(
          over == 0
              ? "every route answered within 200 ms (max), status 200"
              : over + " route(s) over 200 ms or not 200 (marked)");
      line("routes, load after: " + load());
    }
  }

  /** The table row of the event stream: the gaps between its ticks. */
  private static String tickRow(double[] gaps, boolean all) {
    if (gaps.length == 0) {
      return "| SSE `stats` tick | `/api/v1/events` | no two ticks in time | | | | |";
    }
    return String.format(
        Locale.ROOT,
        "| SSE `stats` tick (gap between ticks; 1,000 ms interval + the tick's own work%s) | `/api/v1/events` | %.1f | %.1f | %.1f | 200 | |",
        all ? "" : "; only " + gaps.length + " gaps in time",
        gaps[gaps.length / 2],
        gaps[Math.max(0, (int) Math.ceil(0.95 * gaps.length) - 1)],
        gaps[gaps.length - 1]);
  }

  /** Every page and API call of the dashboard, with the data set's interesting places. */
  private List<Route> routeList(JobMonitor monitor, RouteTimer timer) throws Exception {
    JobId failed = DashboardData.DEEP_FAILED;
    List<Route> r = new ArrayList<>();
    for (String page :
        List.of("/", "/jobs", "/jobs?state=FAILED", "/jobs/" + failed, "/servers", "/recurring")) {
      r.add(new Route("page " + page.replaceAll("\\?.*", ""), page));
    }
    r.add(new Route("page /concurrency", "/concurrency"));
    String shell = timer.text("/");
    Matcher assets = Pattern.compile("/assets/[A-Za-z0-9._-]+").matcher(shell);
    Set<String> seen = new LinkedHashSet<>();
    while (assets.find()) {
      seen.add(assets.group());
    }
    seen.forEach(a -> r.add(new Route("asset", a)));
    r.add(new Route("stats", "/api/v1/stats"));
    for (String range : List.of("1h", "24h", "7d")) {
      r.add(new Route("stats history " + range, "/api/v1/stats/history?range=" + range));
    }
    r.add(new Route("jobs, all states", "/api/v1/jobs?limit=50"));
    for (JobState s : JobState.values()) {
      r.add(new Route("jobs " + s, "/api/v1/jobs?state=" + s + "&limit=50"));
    }
    for (JobId deep :
        List.of(
            DashboardData.DEEP_SUCCEEDED, DashboardData.DEEP_FAILED, DashboardData.DEEP_DELETED)) {
      JobRecord job = monitor.job(deep).orElseThrow(() -> missing(deep));
      String cursor = JobCursor.after(job).toString();
      r.add(
          new Route(
              "jobs " + job.state() + ", deep page (cursor mid-way)",
              "/api/v1/jobs?state=" + job.state() + "&limit=50&after=" + cursor));
      if (job.state() == JobState.SUCCEEDED) {
        r.add(new Route("jobs, all states, deep page", "/api/v1/jobs?limit=50&after=" + cursor));
      }
    }
    r.add(
        new Route(
            "jobs SUCCEEDED, common type",
            "/api/v1/jobs?state=SUCCEEDED&type=" + DashboardData.COMMON_TYPE + "&limit=50"));
    r.add(
        new Route(
            "jobs SUCCEEDED, rare type (0.5%)",
            "/api/v1/jobs?state=SUCCEEDED&type=" + DashboardData.RARE_TYPE + "&limit=50"));
    r.add(
        new Route(
            "jobs, all states, type",
            "/api/v1/jobs?type=" + DashboardData.COMMON_TYPE + "&limit=50"));
    r.add(
        new Route(
            "jobs SUCCEEDED, queue", "/api/v1/jobs?state=SUCCEEDED&queue=" + DashboardData.MAIL));
    r.add(
        new Route(
            "search FAILED, text with no match",
            "/api/v1/jobs?state=FAILED&q=" + enc(DashboardData.NEEDLE)));
    r.add(
        new Route(
            "search SUCCEEDED, rare text (1 match)",
            "/api/v1/jobs?state=SUCCEEDED&q=" + enc(DashboardData.NEEDLE)));
    r.add(
        new Route(
            "search SUCCEEDED, common text",
            "/api/v1/jobs?state=SUCCEEDED&q=" + enc(DashboardData.COMMON)));
    r.add(
        new Route("search, all states, rare text", "/api/v1/jobs?q=" + enc(DashboardData.NEEDLE)));
    r.add(
        new Route(
            "search, all states, common text", "/api/v1/jobs?q=" + enc(DashboardData.COMMON)));
    r.add(new Route("search by job id", "/api/v1/jobs?q=" + DashboardData.NEEDLE_JOB));
    r.add(new Route("job detail (FAILED, stack trace)", "/api/v1/jobs/" + failed));
    r.add(new Route("job logs, tail (3 lines)", "/api/v1/jobs/" + failed + "/logs?limit=200"));
    JobId big = DashboardData.BIG_LOG;
    r.add(new Route("job detail (2,000 log lines)", "/api/v1/jobs/" + big));
    r.add(new Route("job logs, tail of 2,000", "/api/v1/jobs/" + big + "/logs?limit=200"));
    r.add(new Route("job logs, window from 0", "/api/v1/jobs/" + big + "/logs?from=0&limit=500"));
    for (String api :
        List.of("servers", "queues", "recurring", "concurrency", "locks", "job-types", "me")) {
      r.add(new Route(api, "/api/v1/" + api));
    }
    return r;
  }

  private static IllegalStateException missing(JobId id) {
    return new IllegalStateException("the data set has no job " + id + ": fill it again");
  }

  private static String enc(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static String load() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (Exception e) {
      return "unknown";
    }
  }

  private void line(String text) {
    System.out.println(text);
    report.add(text);
  }
}
