package dev.baton.app;

import dev.baton.client.BatonClient;
import dev.baton.recurring.RecurringPlugin;
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
    int code = run(args, System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * Parses {@code args} and runs the app until the JVM shuts down. Returns at once with 0 after
   * {@code --help}, 2 after a bad option, 1 if the server cannot start.
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
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  out.println("Shutting down gracefully (running jobs are cancelled)...");
                  app.close();
                  stopped.countDown();
                },
                "baton-shutdown"));
    out.println("Running. Press Ctrl-C to stop.");
    awaitUninterruptibly(stopped);
    return 0;
  }

  /** Opens the storage and starts the server (and the demo), printing a banner to {@code out}. */
  public static BatonApp start(AppOptions options, PrintStream out) {
    JobStorage storage = StorageFactory.open(options);
    try {
      BatonServerConfig.Builder config = BatonServerConfig.builder().serverId(options.serverId());
      if (options.workers() > 0) {
        config.workers(options.workers());
      }
      BatonServer.Builder builder =
          BatonServer.builder(storage).config(config.build()).plugin(new RecurringPlugin());
      DemoJobs jobs = new DemoJobs(out);
      if (options.demo()) {
        jobs.register(builder);
      }
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
      DemoJobs.Enqueued demo = options.demo() ? jobs.enqueue(client) : null;
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

  /** Graceful shutdown of the server, then the storage. */
  @Override
  public void close() {
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
