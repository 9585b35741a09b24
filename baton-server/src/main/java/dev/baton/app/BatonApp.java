package dev.baton.app;

import dev.baton.app.cli.BatonCli;
import dev.baton.client.BatonClient;
import dev.baton.recurring.RecurringJobInfo;
import dev.baton.server.BatonServer;
import dev.baton.server.BatonServerConfig;
import dev.baton.storage.JobStorage;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The runnable Baton server: {@code java -jar baton-server.jar [--storage=...] [--demo=false]}.
 * Starts a server on the chosen storage (with the demo jobs unless told otherwise), prints what it
 * does, and shuts down gracefully on Ctrl-C.
 */
public final class BatonApp implements AutoCloseable {
  private final JobStorage storage;
  private final BatonServer server;
  private final BatonClient client;
  private final AppDashboard dashboard;
  private final DemoJobs.Enqueued demo;
  private final PrintStream out;
  private boolean closed;

  private BatonApp(
      JobStorage storage,
      BatonServer server,
      BatonClient client,
      AppDashboard dashboard,
      DemoJobs.Enqueued demo,
      PrintStream out) {
    this.storage = storage;
    this.server = server;
    this.client = client;
    this.dashboard = dashboard;
    this.demo = demo;
    this.out = out;
  }

  public static void main(String[] args) {
    // Exit explicitly: storage drivers may leave non-daemon threads behind.
    System.exit(BatonCli.run(args, System.out, System.err, System.getenv()));
  }

  /**
   * Runs the command line {@code args} (see {@link BatonCli}): without a command, or with options
   * only, the server. Returns the exit code.
   */
  static int run(String[] args, PrintStream out, PrintStream err) {
    return BatonCli.run(args, out, err, System.getenv());
  }

  /**
   * Runs the app with {@code options} until it is stopped. Returns 0 after a graceful stop, 2 after
   * a bad option, 4 if the storage cannot be reached, 1 if the server cannot start.
   */
  public static int serve(AppOptions options, PrintStream out, PrintStream err) {
    // Installed before starting: a Ctrl-C during start-up is handled once the server runs.
    CountDownLatch stopRequested = new CountDownLatch(1);
    boolean signals =
        StopSignals.install(
            () -> {
              if (stopRequested.getCount() == 0) {
                out.println("Stopping at once.");
                Runtime.getRuntime().halt(130);
              }
              stopRequested.countDown();
            });
    BatonApp app;
    try {
      app = start(options, out);
    } catch (StorageFactory.UnreachableException e) {
      err.println("error: " + e.getMessage());
      return BatonCli.EXIT_UNREACHABLE;
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return 2;
    } catch (RuntimeException e) {
      err.println("error: the server could not start: " + e);
      return 1;
    }
    runUntilStopped(app, out, stopRequested, signals);
    return 0;
  }

  /**
   * Waits for Ctrl-C (SIGINT) or SIGTERM, then shuts down gracefully while the JVM is still fully
   * alive. Handling the signals ourselves matters: in a shutdown hook, the storage's own hooks (H2
   * closes its database on exit) would race the graceful shutdown. A second Ctrl-C stops at once.
   * Where signals cannot be handled, a shutdown hook does the same, as well as it can.
   */
  private static void runUntilStopped(
      BatonApp app, PrintStream out, CountDownLatch stopRequested, boolean signals) {
    Thread hook = new Thread(app::close, "baton-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    out.println("Running. Press Ctrl-C to stop" + (signals ? " (twice to stop at once)." : "."));
    awaitUninterruptibly(stopRequested);
    out.println("Shutting down gracefully (running jobs are cancelled)...");
    app.close();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook closes (idempotently) too
    }
  }

  /**
   * Opens the storage, starts the dashboard (unless {@code --dashboard=false}) and then the server
   * (and the demo), printing a banner to {@code out}. The dashboard binds its port first, so that a
   * port in use stops the app before it runs or enqueues anything.
   *
   * @throws IllegalArgumentException if the dashboard cannot listen where it is told to
   */
  public static BatonApp start(AppOptions options, PrintStream out) {
    JobStorage storage = StorageFactory.open(options);
    AppDashboard dashboard = null;
    try {
      BatonServerConfig.Builder config = BatonServerConfig.builder().serverId(options.serverId());
      if (options.workers() > 0) {
        config.workers(options.workers());
      }
      if (!options.queues().isEmpty()) {
        config.queues(options.queues());
      }
      BatonServer.Builder builder = BatonServer.builder(storage).config(config.build());
      DemoJobs jobs = new DemoJobs(out);
      // Registered even with --demo=false: demo jobs a persistent storage still holds finish.
      jobs.register(builder);
      BatonServer server = builder.build();
      BatonClient client = BatonClient.create(storage);
      DashboardOptions web = options.dashboard();
      if (web.enabled()) {
        dashboard = AppDashboard.start(web, storage, client, DemoJobs.TYPES);
      }
      out.println("Baton server");
      out.println("  storage:   " + StorageFactory.describe(options));
      out.println("  server id: " + server.serverId());
      out.println(
          "  queues:    "
              + server.config().queues()
              + " with "
              + server.config().workers()
              + " workers");
      out.println(
          "  dashboard: "
              + (dashboard == null ? "off (--dashboard=false)" : describe(web, dashboard)));
      out.println("  demo jobs: " + (options.demo() ? DemoJobs.summary() : "off (--demo=false)"));
      warnAboutUnknownTypes(storage, server, out);
      server.start();
      DemoJobs.Enqueued demo = null;
      if (options.demo()) {
        demo = jobs.enqueue(client);
      } else {
        sayWhichDemoRecurringJobsRemain(client, out);
      }
      return new BatonApp(storage, server, client, dashboard, demo, out);
    } catch (RuntimeException e) {
      if (dashboard != null) {
        dashboard.close();
      }
      storage.close();
      throw e;
    }
  }

  /**
   * With {@code --demo=false} the demo's recurring jobs are left alone: another instance on the
   * same storage may be running the demo (the two-instance recipe), and its recurring jobs must go
   * on firing once per occurrence. Says which are still defined and how to remove them.
   */
  private static void sayWhichDemoRecurringJobsRemain(BatonClient client, PrintStream out) {
    List<String> defined =
        client.recurring().list().stream()
            .map(RecurringJobInfo::id)
            .filter(DemoJobs.RECURRING_IDS::contains)
            .toList();
    if (!defined.isEmpty()) {
      out.println(
          "  the demo recurring jobs "
              + defined
              + " are defined in this storage (by a server started with the demo) and keep"
              + " firing; remove one with: ./baton recurring remove ID");
    }
  }

  /**
   * Warns if jobs are waiting whose type no handler of this server knows (a typo in {@code baton
   * enqueue}, or a type only other servers handle): they would wait for ever here.
   */
  private static void warnAboutUnknownTypes(
      JobStorage storage, BatonServer server, PrintStream out) {
    if (!(storage instanceof dev.baton.storage.JobMonitor monitor)) {
      return;
    }
    java.util.Set<String> known = new java.util.HashSet<>();
    DemoJobs.TYPES.forEach(t -> known.add(t.name()));
    java.util.Map<String, Integer> unknown = new java.util.TreeMap<>();
    try {
      for (dev.baton.state.JobState state :
          List.of(dev.baton.state.JobState.ENQUEUED, dev.baton.state.JobState.SCHEDULED)) {
        for (dev.baton.storage.JobRecord job :
            monitor.findJobs(dev.baton.storage.JobQuery.inState(state, 1000)).items()) {
          if (!known.contains(job.spec().type())) {
            unknown.merge(job.spec().type(), 1, Integer::sum);
          }
        }
      }
    } catch (RuntimeException e) {
      return; // only a warning
    }
    if (!unknown.isEmpty()) {
      out.println(
          "  warning:   jobs of types this server has no handler for are waiting: "
              + unknown.entrySet().stream()
                  .map(e -> e.getKey() + " (" + e.getValue() + ")")
                  .collect(java.util.stream.Collectors.joining(", "))
              + "; they run only on a server that handles them, and fail if none has taken them"
              + " within "
              + BatonServerConfig.DEFAULT_UNKNOWN_TYPE_GRACE.toMinutes()
              + " minutes of their creation");
    }
  }

  /** The dashboard's URL and who may use it. */
  private static String describe(DashboardOptions web, AppDashboard dashboard) {
    if (!web.authenticated()) {
      return dashboard.url() + " (no login: callers from this machine only, each an admin)";
    }
    List<String> logins = new ArrayList<>();
    if (web.apiToken() != null) {
      logins.add("'" + TokenAuthorizer.ADMIN_USER + "' with the --api-token");
    }
    if (web.readOnlyToken() != null) {
      logins.add("'" + TokenAuthorizer.VIEWER_USER + "' (read-only) with the --read-only-token");
    }
    return dashboard.url()
        + " (log in as "
        + String.join(" or ", logins)
        + " as password; scripts send 'Authorization: Bearer TOKEN')";
  }

  /** The dashboard's URL, or null with {@code --dashboard=false}. */
  public String dashboardUrl() {
    return dashboard == null ? null : dashboard.url();
  }

  public BatonServer server() {
    return server;
  }

  public BatonClient client() {
    return client;
  }

  /** The demo jobs enqueued at start, or null with {@code --demo=false}. */
  DemoJobs.Enqueued demo() {
    return demo;
  }

  /**
   * Closes the dashboard (no one can change jobs while the server stops), shuts the server down
   * gracefully, then closes the storage. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (dashboard != null) {
      dashboard.close();
    }
    server.close();
    storage.close();
    out.println("Stopped.");
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    while (true) {
      try {
        latch.await();
        return;
      } catch (InterruptedException e) {
        // keep waiting: only the shutdown hook ends the app
      }
    }
  }
}
