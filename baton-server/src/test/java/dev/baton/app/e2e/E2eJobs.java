package dev.baton.app.e2e;

import dev.baton.job.JobContext;
import dev.baton.job.JobId;
import dev.baton.job.JobType;
import dev.baton.server.BatonServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The job types the browser tests enqueue, and what their handlers saw. */
final class E2eJobs {
  /** Runs {@code steps} steps of {@code stepMs}, each with progress and a log line. */
  record Steps(String name, int steps, int stepMs) {}

  /** Fails (with {@code message}) on its first {@code failRuns} runs, then succeeds. */
  record Fail(String message, int failRuns) {}

  /** Holds the mutex {@code e2e:{key}} for {@code seconds}, or until cancelled. */
  record Hold(String key, int seconds) {}

  /** Logs {@code text} and succeeds. */
  record Echo(String text) {}

  static final JobType<Steps> LONG = JobType.of("e2e.long", Steps.class);
  static final JobType<Fail> FAIL =
      JobType.of("e2e.fail", Fail.class).withOptions(o -> o.maxAttempts(1));
  static final JobType<Hold> HOLD =
      JobType.of("e2e.hold", Hold.class).withOptions(o -> o.mutex("e2e:{key}"));
  static final JobType<Echo> ECHO = JobType.of("e2e.echo", Echo.class);

  static final List<JobType<?>> TYPES = List.of(LONG, FAIL, HOLD, ECHO);

  /** Why each job's cancellation fired, as its handler saw it. */
  final Map<JobId, String> cancelled = new ConcurrentHashMap<>();

  /** How often each job ran. */
  final Map<JobId, AtomicInteger> runs = new ConcurrentHashMap<>();

  void register(BatonServer.Builder server) {
    server
        .handle(LONG, this::runLong)
        .handle(FAIL, this::fail)
        .handle(HOLD, this::hold)
        .handle(
            ECHO,
            (args, ctx) -> {
              ran(ctx);
              ctx.log().info("echo: {}", args.text());
            });
  }

  int runs(JobId id) {
    AtomicInteger n = runs.get(id);
    return n == null ? 0 : n.get();
  }

  private int ran(JobContext ctx) {
    return runs.computeIfAbsent(ctx.jobId(), id -> new AtomicInteger()).incrementAndGet();
  }

  private void runLong(Steps args, JobContext ctx) throws InterruptedException {
    ran(ctx);
    ctx.onCancel(() -> cancelled.put(ctx.jobId(), String.valueOf(ctx.cancellationReason())));
    for (int step = 1; step <= args.steps(); step++) {
      ctx.throwIfCancellationRequested();
      Thread.sleep(args.stepMs());
      ctx.log().info("{}: step {} of {}", args.name(), step, args.steps());
      ctx.progress(step * 100 / args.steps());
    }
  }

  private void fail(Fail args, JobContext ctx) {
    int run = ran(ctx);
    ctx.log().warn("about to fail: {}", args.message());
    if (run <= args.failRuns()) {
      throw new IllegalStateException(args.message());
    }
  }

  private void hold(Hold args, JobContext ctx) throws InterruptedException {
    ran(ctx);
    for (int second = 0; second < args.seconds(); second++) {
      ctx.throwIfCancellationRequested();
      Thread.sleep(1000);
    }
  }
}
