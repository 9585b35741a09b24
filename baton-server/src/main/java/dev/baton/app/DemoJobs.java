package dev.baton.app;

import dev.baton.client.BatonClient;
import dev.baton.job.JobContext;
import dev.baton.job.JobId;
import dev.baton.job.JobType;
import dev.baton.job.RetryBackoff;
import dev.baton.server.BatonServer;
import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo: a few job types that show what Baton does (progress and cancellation, retries, a mutex,
 * a continuation chain, a recurring job), their handlers, and what is enqueued at start. Every
 * handler prints what it does, so the console tells the story.
 */
final class DemoJobs {
  record Hello(String name) {}

  record Slow(String task, int steps) {}

  record Flaky(String name, int failures) {}

  record Report(String account, int number) {}

  record Step(String pipeline, String step) {}

  record Tick(String message) {}

  static final JobType<Hello> HELLO = JobType.of("demo.hello", Hello.class);
  static final JobType<Slow> SLOW = JobType.of("demo.slow", Slow.class);

  /** Fails its first attempts on purpose; retried after 1 s each time. */
  static final JobType<Flaky> FLAKY =
      JobType.of("demo.flaky", Flaky.class)
          .withOptions(
              o -> o.maxAttempts(4).retryBackoff(RetryBackoff.fixed(Duration.ofSeconds(1))));

  /** One report per account at a time: the others wait, parked, without holding a worker. */
  static final JobType<Report> REPORT =
      JobType.of("demo.report", Report.class).withOptions(o -> o.mutex("account:{account}"));

  static final JobType<Step> STEP = JobType.of("demo.pipeline-step", Step.class);
  static final JobType<Tick> TICK = JobType.of("demo.tick", Tick.class);

  static final String RECURRING_ID = "demo-every-10-seconds";
  static final String RECURRING_CRON = "*/10 * * * * *";

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
  private static final Duration SLOW_STEP = Duration.ofMillis(400);
  private static final Duration REPORT_TIME = Duration.ofMillis(600);

  /** The jobs enqueued at start. */
  record Enqueued(
      JobId hello, JobId slow, JobId flaky, List<JobId> reports, List<JobId> pipeline) {}

  private final PrintStream out;

  DemoJobs(PrintStream out) {
    this.out = out;
  }

  void register(BatonServer.Builder server) {
    server
        .handle(HELLO, (args, ctx) -> say(ctx, "Hello, " + args.name() + "!"))
        .handle(SLOW, this::slow)
        .handle(FLAKY, this::flaky)
        .handle(REPORT, this::report)
        .handle(STEP, (args, ctx) -> say(ctx, args.pipeline() + ": " + args.step() + " done"))
        .handle(TICK, (args, ctx) -> say(ctx, args.message() + ", at " + now()));
  }

  private void slow(Slow args, JobContext ctx) throws InterruptedException {
    say(
        ctx,
        args.task() + ": starting " + args.steps() + " steps (reports progress, can be cancelled)");
    for (int step = 1; step <= args.steps(); step++) {
      if (ctx.isCancellationRequested()) {
        say(
            ctx,
            args.task() + ": cancelled at step " + step + " (" + ctx.cancellationReason() + ")");
        ctx.throwIfCancellationRequested();
      }
      Thread.sleep(SLOW_STEP.toMillis());
      ctx.progress(step * 100 / args.steps());
      ctx.log().info("step {} of {}", step, args.steps());
    }
    say(ctx, args.task() + ": finished");
  }

  private void flaky(Flaky args, JobContext ctx) {
    if (ctx.attempt() <= args.failures()) {
      say(
          ctx,
          args.name() + ": failing on purpose (attempt " + ctx.attempt() + "), will be retried");
      throw new IllegalStateException("simulated failure on attempt " + ctx.attempt());
    }
    say(ctx, args.name() + ": succeeded on attempt " + ctx.attempt());
  }

  private void report(Report args, JobContext ctx) throws InterruptedException {
    say(
        ctx,
        "report "
            + args.number()
            + " for "
            + args.account()
            + ": holds mutex account:"
            + args.account());
    Thread.sleep(REPORT_TIME.toMillis());
    say(ctx, "report " + args.number() + " for " + args.account() + ": done, mutex released");
  }

  /** Enqueues one of each, and defines the recurring job. */
  Enqueued enqueue(BatonClient client) {
    JobId hello = client.enqueue(HELLO, new Hello("Baton")).id();
    JobId slow = client.enqueue(SLOW, new Slow("slow-import", 10)).id();
    JobId flaky = client.enqueue(FLAKY, new Flaky("flaky-call", 2)).id();
    List<JobId> reports = new ArrayList<>();
    for (int n = 1; n <= 3; n++) {
      reports.add(client.enqueue(REPORT, new Report("acme", n)).id());
    }
    reports.add(client.enqueue(REPORT, new Report("globex", 1)).id());
    List<JobId> pipeline = new ArrayList<>();
    pipeline.add(client.enqueue(STEP, new Step("pipeline", "1/3 fetch")).id());
    pipeline.add(
        client.continueWith(pipeline.get(0), STEP, new Step("pipeline", "2/3 transform")).id());
    pipeline.add(
        client.continueWith(pipeline.get(1), STEP, new Step("pipeline", "3/3 publish")).id());
    client.recurring().addOrUpdate(RECURRING_ID, RECURRING_CRON, TICK, new Tick("recurring tick"));
    return new Enqueued(hello, slow, flaky, List.copyOf(reports), List.copyOf(pipeline));
  }

  /** What the demo enqueues, for the start banner. */
  static String summary() {
    return "hello, slow (progress, cancellation), flaky (retries), 4 reports on mutex"
        + " account:{account}, a 3-step continuation chain, recurring '"
        + RECURRING_ID
        + "' ("
        + RECURRING_CRON
        + ")";
  }

  private void say(JobContext ctx, String message) {
    String id = ctx.jobId().toString();
    // The tail of the id: the head of a time-ordered id is the same for jobs made together.
    out.printf("%s [%s ..%s] %s%n", now(), ctx.jobType(), id.substring(id.length() - 6), message);
  }

  private static String now() {
    return LocalTime.now().format(TIME);
  }
}
