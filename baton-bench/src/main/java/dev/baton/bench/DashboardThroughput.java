package dev.baton.bench;

import dev.baton.bench.BenchServerMain.ServerProfile;
import dev.baton.client.BatonClient;
import dev.baton.dashboard.Dashboard;
import dev.baton.dashboard.jdk.DashboardServer;
import dev.baton.job.JobOptions;
import dev.baton.state.JobState;
import dev.baton.storage.JobMonitor;
import dev.baton.storage.JobPage;
import dev.baton.storage.JobRecord;
import dev.baton.storage.JobSearch;
import dev.baton.storage.JobSpec;
import dev.baton.storage.JobStorage;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Job throughput with and without an open dashboard, on the data set as it is: one server process
 * with {@link ServerProfile#DEFAULT} settings (warmed up as in {@link StorageBench}) works off N
 * no-op jobs enqueued first, timed from GO to the last success it reports ({@link
 * StorageBench#runToEnd}). Runs alternate: (a) no dashboard; (b) a dashboard server in this process
 * with a {@link BrowserTab} open on it from before GO to the end. One unmeasured run first, then
 * {@code runs} of each.
 */
final class DashboardThroughput {
  private final BenchOptions options;
  private final JobStorage storage;
  private final HttpClient http;
  private final Consumer<String> report;

  DashboardThroughput(
      BenchOptions options, JobStorage storage, HttpClient http, Consumer<String> report) {
    this.options = options;
    this.storage = storage;
    this.http = http;
    this.report = report;
  }

  /** One measured run: its mode, seconds, and what the tab saw (b). */
  record Run(boolean dashboard, double seconds, String tab) {}

  void run(int runs) throws Exception {
    int n = options.jobs();
    BatonClient client = BatonClient.create(storage);
    dropLeftovers();
    List<Run> done = new ArrayList<>();
    try (ServerProcess server = ServerProcess.launch(ServerProfile.DEFAULT, "bench-0", options)) {
      for (int round = 0; round <= 2 * runs; round++) {
        if (round > 0) {
          server.again();
        }
        boolean rehearsal = round == 0;
        boolean dashboard = !rehearsal && round % 2 == 0; // a, b, a, b, ...
        BenchJobs.enqueueNoops(client, n, JobOptions.NONE);
        Run run = dashboard ? withDashboard(server, n) : plain(server, n);
        System.out.printf(
            Locale.ROOT,
            "  %s: %.2f s = %,.0f jobs/s%s%n",
            rehearsal ? "unmeasured run" : dashboard ? "(b) dashboard open" : "(a) no dashboard",
            run.seconds(),
            n / run.seconds(),
            run.tab().isEmpty() ? "" : "; tab: " + run.tab());
        if (!rehearsal) {
          done.add(run);
        }
      }
    }
    for (boolean dashboard : new boolean[] {false, true}) {
      List<Run> mine = done.stream().filter(r -> r.dashboard() == dashboard).toList();
      List<Run> sorted = new ArrayList<>(mine);
      sorted.sort(Comparator.comparingDouble(Run::seconds));
      Run median = sorted.get(sorted.size() / 2);
      report.accept(
          String.format(
              Locale.ROOT,
              "throughput default 1 process, %s: %,d no-op jobs, median of %d runs %s jobs/s (runs: %s; spread %s-%s)",
              dashboard ? "(b) dashboard open" : "(a) no dashboard",
              n,
              mine.size(),
              rate(n, median),
              String.join(", ", mine.stream().map(r -> rate(n, r)).toList()),
              rate(n, sorted.get(sorted.size() - 1)),
              rate(n, sorted.get(0))));
    }
  }

  /**
   * Deletes no-op jobs a run that broke off left ENQUEUED on the default queue: the next run would
   * count them in its N. (The data set keeps nothing ENQUEUED there.)
   */
  private void dropLeftovers() {
    JobMonitor monitor = (JobMonitor) storage;
    int dropped = 0;
    while (true) {
      JobPage page =
          monitor.searchJobs(
              JobSearch.inState(JobState.ENQUEUED, JobSearch.MAX_LIMIT)
                  .withQueue(JobSpec.DEFAULT_QUEUE));
      if (page.items().isEmpty()) {
        break;
      }
      for (JobRecord job : page.items()) {
        storage.delete(job.spec().id(), "left over by a broken-off benchmark run", Duration.ZERO);
        dropped++;
      }
    }
    if (dropped > 0) {
      System.out.printf(
          Locale.ROOT, "  deleted %,d no-op jobs left over by an earlier run%n", dropped);
    }
  }

  private static String rate(int n, Run r) {
    return String.format(Locale.ROOT, "%,.0f", n / r.seconds());
  }

  /** (a): settles as long as (b) takes to open its tab, so both start from the same idle. */
  private Run plain(ServerProcess server, int n) throws Exception {
    Thread.sleep(2_500);
    return new Run(false, StorageBench.runToEnd(List.of(server), n), "");
  }

  private Run withDashboard(ServerProcess server, int n) throws Exception {
    try (Dashboard dashboard = Dashboard.builder(storage).jobTypes(DashboardData.types()).build();
        DashboardServer web =
            DashboardServer.start(dashboard, DashboardServer.Options.builder().port(0).build());
        BrowserTab tab = BrowserTab.open(http, web.url().replaceAll("/$", ""))) {
      if (!tab.awaitTicks(2, Duration.ofSeconds(30))) { // the tab is open, its stream ticking
        throw new IllegalStateException("the event stream sent no 2 ticks in 30 s");
      }
      double seconds = StorageBench.runToEnd(List.of(server), n);
      return new Run(true, seconds, tab.pollSummary());
    }
  }
}
