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
 * handler prints what it does, so the console tells the story; what is enqueued gives every
 * dashboard page something to show (a failed job with its stack trace, a long job with progress and
 * a long log, jobs blocked behind a mutex holder, a scheduled job, a waiting continuation). The
 * long jobs sleep between steps, so the demo costs next to no CPU.
 */
final class DemoJobs {
  record Hello(String name) {}

  record Slow(String task, int steps) {}

  record Flaky(String name, int failures) {}

  record Report(String account, int number) {}

  record Step(String pipeline, String step) {}

  record Tick(String message) {}

  record Charge(String customer, int cents) {}

  record Import(String file, int batches) {}

  record Export(String account, int number, int seconds) {}

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

  /** Always fails; after its second attempt it stays FAILED, stack trace and all. */
  static final JobType<Charge> CHARGE =
      JobType.of("demo.charge", Charge.class)
          .withOptions(
              o -> o.maxAttempts(2).retryBackoff(RetryBackoff.fixed(Duration.ofSeconds(1))));

  /** A long job: one batch a second, with progress and a log line per batch; stops if cancelled. */
  static final JobType<Import> IMPORT = JobType.of("demo.import", Import.class);

  /**
   * One export per account at a time; the demo's holder runs for minutes, so others stay BLOCKED.
   */
  static final JobType<Export> EXPORT =
      JobType.of("demo.export", Export.class).withOptions(o -> o.mutex("export:{account}"));

  /** Every demo job type, for the dashboard (which can enqueue them). */
  static final List<JobType<?>> TYPES =
      List.of(HELLO, SLOW, FLAKY, REPORT, STEP, TICK, CHARGE, IMPORT, EXPORT);

  static final String RECURRING_ID = "demo-every-10-seconds";
  static final String RECURRING_CRON = "*/10 * * * * *";
  static final String NIGHTLY_ID = "demo-nightly-cleanup";
  static final String NIGHTLY_CRON = "0 3 * * *";

  /** The recurring jobs the demo defines ({@code --demo=false} leaves them, saying so). */
  static final List<String> RECURRING_IDS = List.of(RECURRING_ID, NIGHTLY_ID);

  static final Duration SCHEDULED_DELAY = Duration.ofMinutes(5);
  static final int IMPORT_BATCHES = 600;
  static final int EXPORT_HOLDER_SECONDS = 300;

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
  private static final Duration SLOW_STEP = Duration.ofMillis(400);
  private static final Duration REPORT_TIME = Duration.ofMillis(600);
  private static final Duration IMPORT_BATCH = Duration.ofSeconds(1);
  private static final Duration EXPORT_TICK = Duration.ofSeconds(1);

  /**
   * The jobs enqueued at start. The first five finish within seconds; {@code charge} fails for
   * good; {@code longImport} runs for ten minutes, with {@code afterImport} (a continuation)
   * AWAITING it; the first of {@code exports} holds their mutex for minutes while the others are
   * BLOCKED; {@code later} is SCHEDULED in five minutes.
   */
  record Enqueued(
      JobId hello,
      JobId slow,
      JobId flaky,
      List<JobId> reports,
      List<JobId> pipeline,
      JobId charge,
      JobId longImport,
      JobId afterImport,
      List<JobId> exports,
      JobId later) {}

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
        .handle(TICK, (args, ctx) -> say(ctx, args.message() + ", at " + now()))
        .handle(CHARGE, this::charge)
        .handle(IMPORT, this::importFile)
        .handle(EXPORT, this::export);
  }

  private void charge(Charge args, JobContext ctx) {
    say(ctx, "charging " + args.customer() + ": the gateway refuses (fails on purpose)");
    ctx.log().info("charging {} cents to {}", args.cents(), args.customer());
    ctx.log().error("payment gateway refused the connection");
    throw new IllegalStateException(
        "could not charge " + args.customer() + " " + args.cents() + " cents",
        new java.net.ConnectException("Connection refused: payments.example.invalid:443"));
  }

  private void importFile(Import args, JobContext ctx) throws InterruptedException {
    say(ctx, args.file() + ": importing " + args.batches() + " batches, one a second");
    for (int batch = 1; batch <= args.batches(); batch++) {
      if (ctx.isCancellationRequested()) {
        say(
            ctx,
            args.file() + ": cancelled at batch " + batch + " (" + ctx.cancellationReason() + ")");
        ctx.throwIfCancellationRequested();
      }
      Thread.sleep(IMPORT_BATCH.toMillis());
      if (batch % 7 == 0) {
        ctx.log().warn("batch {}: skipped {} rows with a bad date", batch, batch % 5 + 1);
      }
      ctx.log().info("batch {} of {}: {} rows imported", batch, args.batches(), 200 + batch % 50);
      ctx.progress(batch * 100 / args.batches());
    }
    say(ctx, args.file() + ": finished");
  }

  private void export(Export args, JobContext ctx) throws InterruptedException {
    say(
        ctx,
        "export "
            + args.number()
            + " for "
            + args.account()
            + ": holds mutex export:"
            + args.account()
            + " for "
            + args.seconds()
            + " s");
    for (int second = 1; second <= args.seconds(); second++) {
      ctx.throwIfCancellationRequested();
      Thread.sleep(EXPORT_TICK.toMillis());
      ctx.progress(second * 100 / args.seconds());
    }
    say(ctx, "export " + args.number() + " for " + args.account() + ": done, mutex released");
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
    client
        .recurring()
        .addOrUpdate(NIGHTLY_ID, NIGHTLY_CRON, TICK, new Tick("nightly cleanup (03:00)"));
    JobId charge = client.enqueue(CHARGE, new Charge("ACME Corp", 4200)).id();
    JobId longImport = client.enqueue(IMPORT, new Import("customers.csv", IMPORT_BATCHES)).id();
    JobId afterImport =
        client.continueWith(longImport, STEP, new Step("customers.csv", "reindex search")).id();
    List<JobId> exports = new ArrayList<>();
    exports.add(client.enqueue(EXPORT, new Export("initech", 1, EXPORT_HOLDER_SECONDS)).id());
    for (int n = 2; n <= 3; n++) {
      exports.add(client.enqueue(EXPORT, new Export("initech", n, 20)).id());
    }
    JobId later = client.schedule(HELLO, new Hello("the future"), SCHEDULED_DELAY).id();
    return new Enqueued(
        hello,
        slow,
        flaky,
        List.copyOf(reports),
        List.copyOf(pipeline),
        charge,
        longImport,
        afterImport,
        List.copyOf(exports),
        later);
  }

  /** What the demo enqueues, for the start banner. */
  static String summary() {
    return "hello, slow (progress, cancellation), flaky (retries), 4 reports on mutex"
        + " account:{account}, a 3-step continuation chain, a charge that fails for good, a"
        + " 10-minute import (progress, log), 3 exports on mutex export:initech (2 blocked for"
        + " minutes), a hello scheduled in 5 minutes, recurring '"
        + RECURRING_ID
        + "' ("
        + RECURRING_CRON
        + ") and '"
        + NIGHTLY_ID
        + "' ("
        + NIGHTLY_CRON
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
