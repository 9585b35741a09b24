package dev.baton.bench;

import dev.baton.client.BatonClient;
import dev.baton.client.EnqueueResult;
import dev.baton.client.JobRequest;
import dev.baton.job.JobId;
import dev.baton.job.JobOptions;
import dev.baton.job.JobType;
import dev.baton.recurring.RecurringOptions;
import dev.baton.state.ExceptionInfo;
import dev.baton.state.JobState;
import dev.baton.storage.Completion;
import dev.baton.storage.JobMonitor;
import dev.baton.storage.JobStorage;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.LockStorage;
import dev.baton.storage.LogLine;
import dev.baton.storage.MinuteStats;
import dev.baton.storage.RunOutcome;
import dev.baton.storage.ServerBeat;
import dev.baton.storage.ServerEvent;
import dev.baton.storage.StatsStorage;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The data set of {@link DashboardBench}, written through the storage SPI only, as servers and
 * clients write it, so that every table, column and key has its real content and size:
 *
 * <ul>
 *   <li>finished jobs of ten types on three queues, created a thousand per {@code create} call,
 *       then claimed and finished with {@code claim} and {@code finishAll} as a server would: 92%
 *       SUCCEEDED (3% of them after one failed attempt), 5% FAILED after two attempts with a stack
 *       trace, 3% DELETED; 1% with three log lines; one with 2,000 log lines;
 *   <li>the queued ones: ENQUEUED on {@value #MAIL} and {@value #REPORTS}, a few hundred SCHEDULED
 *       hours to days ahead, AWAITING continuations, BLOCKED behind mutexes and PROCESSING under a
 *       registered server that keeps beating ({@link #holdOpen}), on queue {@value #LONG};
 *   <li>20 recurring jobs, 5 locks, 7 days of per-minute stats counters for every type and 50
 *       server events.
 * </ul>
 *
 * <p>The state times are the storage's clock during the fill (a fill of a million jobs takes
 * minutes, not days); only the stats counters, which the SPI takes with their minute, span 7 days.
 * Jobs with known ids ({@link #DEEP_SUCCEEDED} and so on) are where the benchmark looks deep into a
 * listing, for a rare search match, and at a long job page. {@link #COMPLETE} is finished last:
 * when it is there, the fill is complete and can be reused.
 */
final class DashboardData {
  /** Arguments of every job type of the data set. */
  public record Args(long n, String user, String ref) {}

  static final String DEFAULT = "default";
  static final String MAIL = "mail";
  static final String REPORTS = "reports";

  /** The queue of the jobs held PROCESSING and BLOCKED; no benchmark server serves it. */
  static final String LONG = "long";

  static final String HOLDER = "dashboard-bench-holder";
  private static final String FILLER = "dashboard-bench-filler";

  /** A text found in the arguments of exactly one job (the rare search match). */
  static final String NEEDLE = "needle-4f1c9e";

  /** A text found in the arguments of every mail job (the common search match). */
  static final String COMMON = "example.com";

  static final JobId DEEP_SUCCEEDED = marker("deep-succeeded");
  static final JobId DEEP_FAILED = marker("deep-failed");
  static final JobId DEEP_DELETED = marker("deep-deleted");
  static final JobId NEEDLE_JOB = marker("needle");
  static final JobId BIG_LOG = marker("big-log");
  static final JobId COMPLETE = marker("complete");
  static final int BIG_LOG_LINES = 2_000;

  /** A job type of the data set, its queue and its share of the finished jobs (in 1,000). */
  record Kind(JobType<Args> type, String queue, int share) {}

  static final List<Kind> KINDS =
      List.of(
          kind("email.send", MAIL, 250),
          kind("email.digest", MAIL, 80),
          kind("report.daily", REPORTS, 60),
          kind("report.export", REPORTS, 40),
          kind("image.resize", DEFAULT, 200),
          kind("video.transcode", DEFAULT, 50),
          kind("webhook.deliver", DEFAULT, 200),
          kind("billing.charge", DEFAULT, 80),
          kind("search.index", DEFAULT, 35),
          kind("cleanup.purge", DEFAULT, 5));

  /** The most common type and the rarest, for the type filters. */
  static final String COMMON_TYPE = "email.send";

  static final String RARE_TYPE = "cleanup.purge";

  /** Finished jobs stay far longer than any run: nothing is purged while the data set is in use. */
  private static final Duration RETENTION = Duration.ofDays(365);

  private static final int BATCH = 1_000;
  private static final String[] QUEUES = {DEFAULT, MAIL, REPORTS};

  private final JobStorage storage;
  private final JobMonitor monitor;
  private final BatonClient client;

  DashboardData(JobStorage storage) {
    this.storage = storage;
    this.monitor = (JobMonitor) storage;
    this.client = BatonClient.create(storage);
  }

  static List<JobType<?>> types() {
    List<JobType<?>> types = new ArrayList<>();
    KINDS.forEach(k -> types.add(k.type()));
    types.add(BenchJobs.NOOP);
    return types;
  }

  /** Whether a complete fill of at least this size is there. */
  boolean complete(long finished, long queued) {
    if (monitor.job(COMPLETE).isEmpty()) {
      return false;
    }
    Map<JobState, Long> counts = monitor.countByState();
    long done =
        counts.getOrDefault(JobState.SUCCEEDED, 0L)
            + counts.getOrDefault(JobState.FAILED, 0L)
            + counts.getOrDefault(JobState.DELETED, 0L);
    // Large counts may be estimates (PostgreSQL above 100,000): allow them 10 % below the truth.
    return done >= finished * 9 / 10 && counts.getOrDefault(JobState.ENQUEUED, 0L) >= queued;
  }

  /** Writes the whole data set; prints progress. */
  void fill(long finished, int queued) {
    long t0 = System.nanoTime();
    storage.heartbeat(new ServerBeat(FILLER, "bench", List.of(QUEUES), 1, List.of()));
    ExceptionInfo error = failure();
    long seq = 0;
    long nextReport = 100_000;
    while (seq < finished) {
      int n = (int) Math.min(BATCH, finished - seq);
      String queue = QUEUES[(int) ((seq / BATCH) % QUEUES.length)];
      finishBatch(queue, seq, n, finished, error);
      seq += n;
      if (seq >= nextReport || seq == finished) {
        System.out.printf(
            Locale.ROOT,
            "  fill: %,d finished jobs in %.0f s%n",
            seq,
            (System.nanoTime() - t0) / 1e9);
        nextReport += 100_000;
      }
      storage.heartbeat(new ServerBeat(FILLER, "bench", List.of(QUEUES), 1, List.of()));
    }
    storage.deregister(FILLER, "fill done");
    queued(queued);
    recurringLocksAndStats();
    // Last: its presence says the fill is complete (see complete()).
    client.enqueueAll(
        List.of(
            JobRequest.of(KINDS.get(0).type(), new Args(-1, "fill@example.com", "complete"))
                .withId(COMPLETE)
                .withOptions(JobOptions.builder().queue(REPORTS).build())
                .after(Duration.ofDays(300))));
    System.out.printf(Locale.ROOT, "  fill: done in %.0f s%n", (System.nanoTime() - t0) / 1e9);
  }

  /** What the fill decided for the finished job number {@code seq}. */
  record Plan(JobState state, int retries, int logLines) {}

  static Plan plan(long seq, long finished) {
    if (seq == finished / 4) {
      return new Plan(JobState.FAILED, 1, BIG_LOG_LINES);
    }
    if (seq == finished / 3) {
      return new Plan(JobState.SUCCEEDED, 0, 0); // the needle
    }
    int h = (int) Math.floorMod(mix(seq), 100L);
    int logs = h == 50 ? 3 : 0;
    if (h < 3) {
      return new Plan(JobState.DELETED, 0, logs);
    }
    if (h < 8) {
      return new Plan(JobState.FAILED, 1, logs);
    }
    return new Plan(JobState.SUCCEEDED, h < 11 ? 1 : 0, logs);
  }

  private void finishBatch(String queue, long first, int n, long finished, ExceptionInfo error) {
    List<Kind> kinds = KINDS.stream().filter(k -> k.queue().equals(queue)).toList();
    int shares = kinds.stream().mapToInt(Kind::share).sum();
    List<JobRequest> requests = new ArrayList<>(n);
    Map<Integer, Long> seqOfRequest = new HashMap<>();
    for (int i = 0; i < n; i++) {
      long seq = first + i;
      Kind kind = pick(kinds, shares, seq);
      Plan plan = plan(seq, finished);
      Args args = seq == finished / 3 ? new Args(seq, "acct-7", NEEDLE) : args(kind, seq);
      JobRequest r =
          JobRequest.of(kind.type(), args)
              .withOptions(
                  JobOptions.builder().queue(queue).maxAttempts(maxAttempts(plan)).build());
      JobId id = markerFor(seq, finished, plan);
      if (id != null) {
        r = r.withId(id);
      }
      seqOfRequest.put(i, seq);
      requests.add(r);
    }
    List<EnqueueResult> created = client.enqueueAll(requests);
    Map<JobId, Long> seqOf = new HashMap<>();
    for (int i = 0; i < created.size(); i++) {
      seqOf.put(created.get(i).id(), seqOfRequest.get(i));
    }
    int left = n;
    while (left > 0) {
      List<LeasedJob> leased = storage.claim(FILLER, List.of(queue), BATCH);
      if (leased.isEmpty()) {
        if (storage.promoteDue(10 * BATCH) == 0) {
          throw new IllegalStateException("the fill lost track of " + left + " jobs");
        }
        continue;
      }
      List<Completion> completions = new ArrayList<>(leased.size());
      for (LeasedJob job : leased) {
        long seq = seqOf.get(job.lease().jobId());
        Plan plan = plan(seq, finished);
        String worker = "baton-" + FILLER + "-worker-" + (1 + seq % 16);
        if (plan.logLines() > 0 && job.attempt() == plan.retries() + 1) {
          log(job, seq, plan.logLines());
        }
        RunOutcome outcome = outcome(job, plan, seq, error);
        if (outcome.target() != JobState.SCHEDULED) {
          left--;
        }
        completions.add(new Completion(job.lease(), worker, outcome));
      }
      storage.finishAll(completions);
    }
  }

  /** Failing jobs have two attempts; the others the default. */
  private static int maxAttempts(Plan plan) {
    return plan.state() == JobState.FAILED ? 2 : JobOptions.DEFAULT_MAX_ATTEMPTS;
  }

  private static RunOutcome outcome(LeasedJob job, Plan plan, long seq, ExceptionInfo error) {
    int attempts = maxAttempts(plan);
    String failed = error.type() + ": " + error.message();
    if (job.attempt() <= plan.retries()) {
      return new RunOutcome.Retry(
          Duration.ZERO,
          error,
          "attempt " + job.attempt() + " of " + attempts + " failed, retry in 0 ms: " + failed);
    }
    return switch (plan.state()) {
      case FAILED ->
          new RunOutcome.Failed(
              error,
              "attempt "
                  + job.attempt()
                  + " of "
                  + attempts
                  + " failed, no attempts left: "
                  + failed);
      case DELETED -> new RunOutcome.Deleted(RETENTION, "deleted by a filter: account closed");
      default ->
          new RunOutcome.Succeeded(
              RETENTION,
              "completed in "
                  + (3 + seq % 200)
                  + " ms by baton-"
                  + FILLER
                  + "-worker-"
                  + (1 + seq % 16));
    };
  }

  private void log(LeasedJob job, long seq, int lines) {
    Instant now = storage.now();
    for (int from = 0; from < lines; from += 100) {
      List<LogLine> chunk = new ArrayList<>();
      for (int i = from; i < Math.min(lines, from + 100); i++) {
        chunk.add(
            new LogLine(
                now.plusMillis(i),
                i % 10 == 9 ? "WARN" : "INFO",
                "step " + (i + 1) + " of job " + seq + ": processed 250 records, 3 skipped"));
      }
      storage.report(job.lease(), Math.min(100, (from + 100) * 100 / lines), chunk);
    }
  }

  private static JobId markerFor(long seq, long finished, Plan plan) {
    if (seq == finished / 4) {
      return BIG_LOG;
    }
    if (seq == finished / 3) {
      return NEEDLE_JOB;
    }
    long mid = finished / 2;
    if (seq < mid || seq > mid + 200) {
      return null;
    }
    // The first job at or after the middle of the fill that ends in each state.
    for (long s = mid; s < seq; s++) {
      if (plan(s, finished).state() == plan.state()) {
        return null;
      }
    }
    return switch (plan.state()) {
      case SUCCEEDED -> DEEP_SUCCEEDED;
      case FAILED -> DEEP_FAILED;
      case DELETED -> DEEP_DELETED;
      default -> null;
    };
  }

  private static Args args(Kind kind, long seq) {
    String user =
        kind.queue().equals(MAIL)
            ? "user" + (seq % 50_000) + "@" + COMMON
            : "acct-" + Long.toHexString(mix(seq) & 0xffffffL);
    String ref =
        kind.type().name()
            + "/"
            + Long.toHexString(Math.abs(mix(seq ^ 0x5bd1e995L)) % 1_000_000_000L);
    return new Args(seq, user, ref);
  }

  private static Kind pick(List<Kind> kinds, int shares, long seq) {
    int x = (int) Math.floorMod(mix(seq * 31 + 7), (long) shares);
    for (Kind k : kinds) {
      x -= k.share();
      if (x < 0) {
        return k;
      }
    }
    return kinds.get(kinds.size() - 1);
  }

  /** The queued part: ENQUEUED, SCHEDULED, AWAITING, and what {@link #holdOpen} holds. */
  private void queued(int queued) {
    List<JobRequest> batch = new ArrayList<>();
    Kind mail = KINDS.get(0);
    Kind report = KINDS.get(3);
    for (int i = 0; i < queued; i++) {
      Kind k = i % 2 == 0 ? mail : report;
      batch.add(
          JobRequest.of(k.type(), args(k, 10_000_000L + i))
              .withOptions(JobOptions.builder().queue(k.queue()).build()));
      flush(batch, false);
    }
    flush(batch, true);
    // Scheduled on a queue the benchmark's servers do not serve: one that came due during a
    // throughput run on the default queue was claimed there and failed (no handler).
    Kind daily = KINDS.get(2);
    for (int i = 0; i < 300; i++) {
      batch.add(
          JobRequest.of(daily.type(), args(daily, 20_000_000L + i))
              .withOptions(JobOptions.builder().queue(daily.queue()).build())
              .after(Duration.ofMinutes(30L + 33L * i)));
    }
    flush(batch, true);
    // Continuations of queued jobs: AWAITING until their parent succeeds.
    List<EnqueueResult> parents = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      parents.add(
          client.enqueue(
              report.type(),
              args(report, 30_000_000L + i),
              JobOptions.builder().queue(REPORTS).build()));
    }
    for (int i = 0; i < parents.size(); i++) {
      batch.add(
          JobRequest.of(mail.type(), args(mail, 31_000_000L + i))
              .withOptions(JobOptions.builder().queue(MAIL).build())
              .continuing(parents.get(i).id()));
    }
    flush(batch, true);
    // On the held queue: 5 plain long jobs, and 5 mutex keys with 40 jobs each; the holder's claim
    // runs one per key and parks the others BLOCKED behind it.
    Kind video = KINDS.get(5);
    for (int i = 0; i < 5; i++) {
      batch.add(
          JobRequest.of(video.type(), args(video, 40_000_000L + i))
              .withOptions(JobOptions.builder().queue(LONG).build()));
    }
    for (int i = 0; i < 200; i++) {
      batch.add(
          JobRequest.of(video.type(), args(video, 41_000_000L + i))
              .withOptions(JobOptions.builder().queue(LONG).mutex("video:" + (i % 5)).build()));
    }
    flush(batch, true);
  }

  private void flush(List<JobRequest> batch, boolean always) {
    if (!batch.isEmpty() && (always || batch.size() == BATCH)) {
      client.enqueueAll(batch);
      batch.clear();
    }
  }

  private void recurringLocksAndStats() {
    for (int i = 0; i < 20; i++) {
      Kind k = KINDS.get(i % KINDS.size());
      // Monthly and yearly: none fires while the benchmark runs.
      String cron = i % 2 == 0 ? (i % 60) + " 3 1 * *" : "0 " + (i % 24) + " 1 1 *";
      client
          .recurring()
          .addOrUpdate(
              "nightly-" + k.type().name() + "-" + i,
              cron,
              k.type(),
              args(k, 50_000_000L + i),
              RecurringOptions.builder()
                  .jobOptions(JobOptions.builder().queue(k.queue()).build())
                  .build());
    }
    if (storage instanceof StatsStorage stats) {
      Instant now = storage.now().truncatedTo(ChronoUnit.MINUTES);
      List<MinuteStats> rows = new ArrayList<>();
      for (int m = 7 * 24 * 60; m > 0; m--) {
        Instant minute = now.minus(Duration.ofMinutes(m));
        for (Kind k : KINDS) {
          long runs = 1 + Math.floorMod(mix(m * 17L + k.share()), (long) k.share());
          long failed = runs / 20;
          long retried = runs / 30;
          rows.add(
              new MinuteStats(
                  minute,
                  k.type().name(),
                  runs - failed - retried,
                  failed,
                  retried,
                  runs * (5 + k.share() % 40),
                  runs * 12));
          if (rows.size() == BATCH) {
            stats.addStats(rows);
            rows.clear();
          }
        }
      }
      if (!rows.isEmpty()) {
        stats.addStats(rows);
      }
      for (int i = 0; i < 50; i++) {
        ServerEvent.Kind kind = ServerEvent.Kind.values()[i % 3];
        stats.addServerEvent(
            new ServerEvent(
                now.minus(Duration.ofMinutes(50L * (50 - i))),
                kind,
                "worker-" + (i % 4),
                kind == ServerEvent.Kind.DECLARED_DEAD ? "worker-" + ((i + 1) % 4) : null,
                kind == ServerEvent.Kind.DECLARED_DEAD ? 12 : 0,
                kind == ServerEvent.Kind.DECLARED_DEAD
                    ? "no heartbeat for 8 s; 12 jobs went back to their queues"
                    : ""));
      }
    }
  }

  /**
   * Registers {@value #HOLDER}, claims the {@value #LONG} queue to it (PROCESSING, and BLOCKED
   * behind the mutexes it holds), takes 5 locks and keeps beating until closed; closing deregisters
   * it, which puts its jobs back in the queue for the next run.
   */
  AutoCloseable holdOpen() {
    ServerBeat idle = new ServerBeat(HOLDER, "bench", List.of(LONG), 10, List.of());
    storage.heartbeat(idle);
    // 10 running: the 5 plain jobs and one per mutex key; then a claim that finds only jobs whose
    // key is held parks them all BLOCKED behind the holders, as a server's next claim would.
    List<LeasedJob> held = new ArrayList<>(storage.claim(HOLDER, List.of(LONG), 10));
    held.addAll(storage.claim(HOLDER, List.of(LONG), 500));
    ServerBeat beat =
        new ServerBeat(
            HOLDER, "bench", List.of(LONG), 10, held.stream().map(LeasedJob::lease).toList());
    if (storage instanceof LockStorage locks) {
      for (int i = 0; i < 5; i++) {
        locks.tryLock("nightly-export-" + i, HOLDER, Duration.ofHours(1));
      }
    }
    Thread beater =
        new Thread(
            () -> {
              try {
                while (!Thread.currentThread().isInterrupted()) {
                  storage.heartbeat(beat);
                  Thread.sleep(1_000);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "dashboard-bench-holder");
    beater.setDaemon(true);
    beater.start();
    return () -> {
      beater.interrupt();
      beater.join(5_000);
      storage.deregister(HOLDER, "benchmark done");
    };
  }

  private static Kind kind(String type, String queue, int share) {
    return new Kind(JobType.of(type, Args.class), queue, share);
  }

  private static JobId marker(String name) {
    return JobId.nameBased("baton-dashboard-bench:" + name);
  }

  /** A real stack trace, about 30 frames deep, as a failing job's handler leaves. */
  private static ExceptionInfo failure() {
    try {
      deep(25);
      throw new AssertionError();
    } catch (IllegalStateException e) {
      return ExceptionInfo.of(e);
    }
  }

  private static void deep(int depth) {
    if (depth == 0) {
      throw new IllegalStateException(
          "payment gateway answered 502 Bad Gateway for charge ch_3Nq; will not retry after the"
              + " last attempt",
          new java.io.IOException("connection reset by peer"));
    }
    deep(depth - 1);
  }

  /** SplitMix64: a well-spread number for every sequence number, the same on every run. */
  private static long mix(long x) {
    long z = x + 0x9e3779b97f4a7c15L;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
