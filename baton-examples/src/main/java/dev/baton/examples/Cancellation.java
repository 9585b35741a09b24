package dev.baton.examples;

import dev.baton.client.BatonClient;
import dev.baton.job.JobContext;
import dev.baton.job.JobId;
import dev.baton.job.JobType;
import dev.baton.server.BatonServer;
import dev.baton.server.BatonServerConfig;
import dev.baton.storage.JobStorage;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Scenario 5, cancellation that crosses machines: a long job checks its cancellation token every 50
 * ms. Delete it from anywhere — the dashboard's Delete button, {@code ./baton jobs delete ID}, or
 * this example's {@code delete ID} from another process — and its run stops within a second on
 * whichever instance runs it; requeue it and it starts again.
 *
 * <pre>
 * baton-examples/run cancel [server] [--name=a] [--storage=URL] [--enqueue] [--job-length=120s]
 * baton-examples/run cancel delete ID  [--storage=URL]     # from another instance
 * baton-examples/run cancel requeue ID [--storage=URL]
 * </pre>
 */
public final class Cancellation {
  /** A long export: runs for this many milliseconds unless cancelled. */
  public record Export(String name, long millis) {}

  public static final JobType<Export> LONG_EXPORT = JobType.of("long-export", Export.class);

  public static void main(String[] args) {
    Options.exitOnBadInput();
    Options options = Options.parse(args);
    String url = ExampleStorage.url(options);
    List<String> words = options.words();
    String command = words.isEmpty() ? "server" : words.get(0);
    int code =
        switch (command) {
          case "server" -> server(options, url);
          case "delete", "requeue" -> steer(options, url, command, words);
          default -> {
            System.err.println(
                "error: unknown command '" + command + "'; server, delete ID or" + " requeue ID");
            yield 2;
          }
        };
    System.exit(code); // drivers may leave non-daemon threads behind
  }

  /** Deletes or requeues a job from this process: another instance than the one running it. */
  private static int steer(Options options, String url, String command, List<String> words) {
    Console out = new Console(options.get("name", "client"));
    options.checkNoneLeft();
    if (words.size() != 2) {
      System.err.println("error: " + command + " takes one job id");
      return 2;
    }
    JobId id = JobId.parse(words.get(1));
    try (JobStorage storage = ExampleStorage.open(url)) {
      BatonClient client = BatonClient.create(storage);
      boolean changed = command.equals("delete") ? client.delete(id) : client.requeue(id);
      out.say("%s %s: %s", command, id, changed ? "done" : "unchanged (unknown, or already so)");
      return changed ? 0 : 3;
    }
  }

  private static int server(Options options, String url) {
    String name = options.get("name", "instance-" + UUID.randomUUID().toString().substring(0, 4));
    boolean enqueue = options.getBoolean("enqueue", false);
    Duration length = options.getDuration("job-length", Duration.ofSeconds(120));
    Console out = new Console(name);
    ExampleDashboard.Settings web = ExampleDashboard.Settings.of(options);
    options.checkNoneLeft(); // before anything is opened: a typo changes nothing
    StopSignal stop = StopSignal.install();
    try (JobStorage storage = ExampleStorage.open(url)) {
      BatonClient client = BatonClient.create(storage);
      ExampleDashboard dashboard =
          ExampleDashboard.startIfWanted(web, storage, client, List.of(LONG_EXPORT));
      out.say("storage %s", ExampleStorage.describe(url));
      if (dashboard != null) {
        out.say("dashboard: %s (open the job, press Delete, then Requeue)", dashboard.url());
      }
      try (BatonServer server =
          BatonServer.builder(storage)
              .config(BatonServerConfig.builder().serverId(name).workers(2).build())
              .handle(LONG_EXPORT, (job, ctx) -> export(out, job, ctx))
              .build()
              .start()) {
        if (enqueue) {
          JobId id =
              client.enqueue(LONG_EXPORT, new Export("yearly-export", length.toMillis())).id();
          out.say("enqueued long-export job %s", id);
          out.say("stop it with: ./baton jobs delete %s --storage=%s", id, url);
        }
        stop.await();
      } finally {
        if (dashboard != null) {
          dashboard.close();
        }
      }
    }
    return 0;
  }

  /**
   * Checks the token every 50 ms; a long blocking call would rather register {@code
   * ctx.onCancel(...)} to abort itself. Throwing on cancellation ends the run; a deleted job stays
   * DELETED, a requeued one runs again.
   */
  private static void export(Console out, Export job, JobContext ctx) throws InterruptedException {
    out.say("%s started (job %s, attempt %d)", job.name(), ctx.jobId(), ctx.attempt());
    long started = System.nanoTime();
    long end = started + Duration.ofMillis(job.millis()).toNanos();
    long nextReport = started + 1_000_000_000L;
    while (System.nanoTime() < end) {
      if (ctx.isCancellationRequested()) {
        out.say("%s stopped (job %s): %s", job.name(), ctx.jobId(), ctx.cancellationReason());
        ctx.throwIfCancellationRequested();
      }
      if (System.nanoTime() >= nextReport) {
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        out.say("%s working, %d s (job %s)", job.name(), seconds, ctx.jobId());
        nextReport += 1_000_000_000L;
      }
      Thread.sleep(50);
    }
    out.say("%s finished (job %s)", job.name(), ctx.jobId());
  }
}
