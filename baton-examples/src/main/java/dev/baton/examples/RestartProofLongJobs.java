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
 * Scenario 4, restart-proof long jobs: run two instances on one database and give one a long job.
 * Kill the instance running it with {@code kill -9}: its peer declares it dead once it has been
 * silent for the server timeout (4 s in this demo, 8 s by default) and runs the job within about a
 * second more, without spending an attempt. Stop an instance gracefully (Ctrl-C, SIGTERM) instead:
 * its job's cancellation fires, the job stops and goes back to the head of its queue at once, and
 * the peer starts it within milliseconds. The script {@code
 * baton-examples/scripts/restart-proof.sh} does all of this.
 *
 * <pre>
 * baton-examples/run restart --name=a [--storage=URL] [--enqueue] [--job-length=60s]
 *     [--server-timeout=4s] [--heartbeat=1s] [--port=0]
 * </pre>
 */
public final class RestartProofLongJobs {
  /** A long import: this many one-second steps. */
  public record Import(String name, int steps) {}

  public static final JobType<Import> LONG_IMPORT = JobType.of("long-import", Import.class);

  public static void main(String[] args) {
    Options.exitOnBadInput();
    Options options = Options.parse(args);
    String url = ExampleStorage.url(options);
    String name = options.get("name", "instance-" + UUID.randomUUID().toString().substring(0, 4));
    boolean enqueue = options.getBoolean("enqueue", false);
    Duration length = options.getDuration("job-length", Duration.ofSeconds(60));
    // Short for the demo, so a kill -9 is noticed in seconds; production keeps the defaults
    // (8 s, 2 s), which a busy machine's pauses cannot reach by accident.
    Duration serverTimeout = options.getDuration("server-timeout", Duration.ofSeconds(4));
    Duration heartbeat = options.getDuration("heartbeat", Duration.ofSeconds(1));
    Console out = new Console(name);
    ExampleDashboard.Settings web = ExampleDashboard.Settings.of(options);
    options.checkNoneLeft(); // before anything is opened: a typo changes nothing
    StopSignal stop = StopSignal.install();
    // A storage call must end well before the server's self-fence (serverTimeout minus a beat):
    // half the server timeout, where the defaults allow 5 s per call.
    try (JobStorage storage = ExampleStorage.open(url, serverTimeout.dividedBy(2))) {
      BatonClient client = BatonClient.create(storage);
      ExampleDashboard dashboard =
          ExampleDashboard.startIfWanted(web, storage, client, List.of(LONG_IMPORT));
      BatonServerConfig config =
          BatonServerConfig.builder()
              .serverId(name)
              .workers(2)
              .serverTimeout(serverTimeout)
              .heartbeatInterval(heartbeat)
              .build();
      out.say(
          "storage %s, server timeout %s, heartbeat every %s",
          ExampleStorage.describe(url), serverTimeout, heartbeat);
      if (dashboard != null) {
        out.say("dashboard: %s", dashboard.url());
      }
      try (BatonServer server =
          BatonServer.builder(storage)
              .config(config)
              .handle(LONG_IMPORT, (job, ctx) -> run(out, job, ctx))
              .build()
              .start()) {
        if (enqueue) {
          int steps = (int) Math.max(1, length.toSeconds());
          JobId id = client.enqueue(LONG_IMPORT, new Import("nightly-import", steps)).id();
          out.say("enqueued long-import job %s (%d steps of 1 s)", id, steps);
        }
        out.say("running; Ctrl-C or SIGTERM stops gracefully (the job is handed over at once)");
        stop.await();
        out.say("stopping gracefully: the running job is cancelled and handed back");
      } finally {
        if (dashboard != null) {
          dashboard.close();
        }
      }
      out.say("stopped");
    }
    System.exit(0); // drivers may leave non-daemon threads behind
  }

  /**
   * One step a second. A run that is cancelled (graceful stop, lease lost) stops at the next step;
   * it then goes back to the head of its queue without spending an attempt. A real import would
   * keep a checkpoint (its last step) and resume from there.
   */
  private static void run(Console out, Import job, JobContext ctx) throws InterruptedException {
    out.say(
        "%s started (job %s, attempt %d, fencing token %d)",
        job.name(), ctx.jobId(), ctx.attempt(), ctx.fencingToken());
    for (int step = 1; step <= job.steps(); step++) {
      for (int tick = 0; tick < 10; tick++) {
        if (ctx.isCancellationRequested()) {
          out.say("%s stopping at step %d: %s", job.name(), step, ctx.cancellationReason());
          ctx.throwIfCancellationRequested();
        }
        Thread.sleep(100);
      }
      ctx.progress(step * 100 / job.steps());
      out.say("%s step %d/%d (job %s)", job.name(), step, job.steps(), ctx.jobId());
    }
    out.say("%s finished (job %s)", job.name(), ctx.jobId());
  }
}
