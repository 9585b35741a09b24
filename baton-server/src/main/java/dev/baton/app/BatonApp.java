package dev.baton.app;

import dev.baton.client.BatonClient;
import dev.baton.server.BatonServer;
import dev.baton.server.BatonServerConfig;
import dev.baton.storage.JobStorage;
import java.io.PrintStream;
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
  private final DemoJobs.Enqueued demo;
  private final PrintStream out;
  private boolean closed;

  private BatonApp(
      JobStorage storage,
      BatonServer server,
      BatonClient client,
      DemoJobs.Enqueued demo,
      PrintStream out) {
    this.storage = storage;
    this.server = server;
    this.client = client;
    this.demo = demo;
    this.out = out;
  }

  public static void main(String[] args) {
    // Exit explicitly: storage drivers may leave non-daemon threads behind.
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Parses {@code args} and runs the app until it is stopped. Returns 0 after {@code --help} or a
   * graceful stop, 2 after a bad option, 1 if the server cannot start.
   */
  static int run(String[] args, PrintStream out, PrintStream err) {
    AppOptions options;
    try {
      options = AppOptions.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.println();
      err.print(AppOptions.USAGE);
      return 2;
    }
    if (options.help()) {
      out.print(AppOptions.USAGE);
      return 0;
    }
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

  /** Opens the storage and starts the server (and the demo), printing a banner to {@code out}. */
  public static BatonApp start(AppOptions options, PrintStream out) {
    JobStorage storage = StorageFactory.open(options);
    try {
      BatonServerConfig.Builder config = BatonServerConfig.builder().serverId(options.serverId());
      if (options.workers() > 0) {
        config.workers(options.workers());
      }
      BatonServer.Builder builder = BatonServer.builder(storage).config(config.build());
      DemoJobs jobs = new DemoJobs(out);
      // Registered even with --demo=false: demo jobs a persistent storage still holds finish.
      jobs.register(builder);
      BatonServer server = builder.build();
      out.println("Baton server");
      out.println("  storage:   " + StorageFactory.describe(options));
      out.println("  server id: " + server.serverId());
      out.println(
          "  queues:    "
              + server.config().queues()
              + " with "
              + server.config().workers()
              + " workers");
      out.println("  demo jobs: " + (options.demo() ? DemoJobs.summary() : "off (--demo=false)"));
      server.start();
      BatonClient client = BatonClient.create(storage);
      DemoJobs.Enqueued demo = null;
      if (options.demo()) {
        demo = jobs.enqueue(client);
      } else if (client.recurring().remove(DemoJobs.RECURRING_ID)) {
        out.println("  removed the demo recurring job '" + DemoJobs.RECURRING_ID + "'");
      }
      return new BatonApp(storage, server, client, demo, out);
    } catch (RuntimeException e) {
      storage.close();
      throw e;
    }
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

  /** Graceful shutdown of the server, then the storage. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
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
