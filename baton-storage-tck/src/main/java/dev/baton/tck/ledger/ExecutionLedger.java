package dev.baton.tck.ledger;

import dev.baton.job.JobContext;
import dev.baton.job.JobId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

/**
 * A thread-safe record of every run of every job, written by the job handlers themselves, and the
 * assertions a concurrency claim must survive: no job run twice at once, no two runs overlapping on
 * a mutex key, never more than N at once on a semaphore key, never more than N starts per rate
 * window, and none lost.
 *
 * <pre>{@code
 * JobHandler<Args> handler = (args, ctx) -> {
 *   try (ExecutionLedger.Entry run = ledger.begin(ctx, "video:" + args.id())) {
 *     work();
 *     run.succeeded();
 *   }
 * };
 * }</pre>
 *
 * Intervals are measured with {@link System#nanoTime()}, so every server must live in this JVM (as
 * in the kit's suites). A handler's interval lies inside its lease, so if admission is right the
 * intervals of one mutex key never overlap.
 */
public final class ExecutionLedger {
  private final ConcurrentLinkedQueue<Run> runs = new ConcurrentLinkedQueue<>();
  private final Clock clock;

  public ExecutionLedger() {
    this(Clock.systemUTC());
  }

  /**
   * @param clock stamps {@link Run#startedAt()}, for rate checks on wall time
   */
  public ExecutionLedger(Clock clock) {
    this.clock = clock;
  }

  /**
   * One finished run.
   *
   * @param keys the concurrency keys the job holds while it runs
   * @param startNanos {@link System#nanoTime()} at handler entry
   * @param endNanos {@link System#nanoTime()} at handler exit
   * @param succeeded whether the handler returned normally
   */
  public record Run(
      JobId jobId,
      List<String> keys,
      String server,
      long fencingToken,
      int attempt,
      Instant startedAt,
      long startNanos,
      long endNanos,
      boolean succeeded) {
    boolean overlaps(Run o) {
      return startNanos < o.endNanos && o.startNanos < endNanos;
    }
  }

  /** Starts recording a run; close the entry when the handler leaves. */
  public Entry begin(JobContext context, String... keys) {
    return begin(
        context.jobId(), context.serverId(), context.fencingToken(), context.attempt(), keys);
  }

  public Entry begin(JobId jobId, String server, long token, int attempt, String... keys) {
    return new Entry(
        jobId, List.of(keys), server, token, attempt, clock.instant(), System.nanoTime());
  }

  /** A run in progress. */
  public final class Entry implements AutoCloseable {
    private final JobId jobId;
    private final List<String> keys;
    private final String server;
    private final long token;
    private final int attempt;
    private final Instant startedAt;
    private final long start;
    private boolean succeeded;
    private boolean closed;

    private Entry(
        JobId jobId,
        List<String> keys,
        String server,
        long token,
        int attempt,
        Instant startedAt,
        long start) {
      this.jobId = jobId;
      this.keys = keys;
      this.server = server;
      this.token = token;
      this.attempt = attempt;
      this.startedAt = startedAt;
      this.start = start;
    }

    /** Marks the run as having returned normally (call last in the handler). */
    public void succeeded() {
      succeeded = true;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        runs.add(
            new Run(
                jobId,
                keys,
                server,
                token,
                attempt,
                startedAt,
                start,
                System.nanoTime(),
                succeeded));
      }
    }
  }

  /** Records a run measured by the caller. */
  public void add(Run run) {
    runs.add(run);
  }

  /** Every recorded run, in start order. */
  public List<Run> runs() {
    return runs.stream().sorted(Comparator.comparingLong(Run::startNanos)).toList();
  }

  public int size() {
    return runs.size();
  }

  /** Runs holding {@code key}, in start order. */
  public List<Run> runsOn(String key) {
    return runs().stream().filter(r -> r.keys().contains(key)).toList();
  }

  /** Job ids with at least one successful run. */
  public Set<JobId> succeededJobs() {
    return runs.stream().filter(Run::succeeded).map(Run::jobId).collect(Collectors.toSet());
  }

  // ------------------------------------------------------------------------------ assertions

  /** No job ran on two workers at once. */
  public void assertNoConcurrentRunsOfOneJob() {
    assertNoConcurrentRunsOfOneJob(Set.of());
  }

  /**
   * No job ran on two workers at once while its owner was alive: runs on {@code deadServers}
   * (frozen or killed, then rescued by a peer) may overlap the rescued run — that is the fencing
   * token's job — but no two runs on live servers may.
   */
  public void assertNoConcurrentRunsOfOneJob(Set<String> deadServers) {
    Map<JobId, List<Run>> byJob =
        runs().stream()
            .filter(r -> !deadServers.contains(r.server()))
            .collect(Collectors.groupingBy(Run::jobId));
    for (List<Run> list : byJob.values()) {
      checkNoOverlap(list, "job " + list.get(0).jobId());
    }
  }

  /**
   * Every later run of a job carries a greater fencing token than every earlier one: a rescued or
   * retried run is told apart from the run it replaced.
   */
  public void assertTokensIncreasePerJob() {
    Map<JobId, List<Run>> byJob = runs().stream().collect(Collectors.groupingBy(Run::jobId));
    for (List<Run> list : byJob.values()) {
      for (int i = 1; i < list.size(); i++) {
        if (list.get(i).fencingToken() <= list.get(i - 1).fencingToken()) {
          throw new AssertionError(
              "job " + list.get(i).jobId() + ": fencing token did not increase: " + list);
        }
      }
    }
  }

  /** No job returned normally more than once. */
  public void assertNoJobSucceededTwice() {
    Map<JobId, Long> successes =
        runs.stream()
            .filter(Run::succeeded)
            .collect(Collectors.groupingBy(Run::jobId, Collectors.counting()));
    successes.forEach(
        (id, n) -> {
          if (n > 1) {
            throw new AssertionError("job " + id + " succeeded " + n + " times: " + runsOf(id));
          }
        });
  }

  /** No two runs holding {@code key} overlapped in time (a mutex). */
  public void assertMutex(String key) {
    checkNoOverlap(runsOn(key), "mutex key '" + key + "'");
  }

  /** Every key in the ledger whose runs were declared as a mutex: see {@link #assertMutex}. */
  public void assertMutexes(Collection<String> keys) {
    keys.forEach(this::assertMutex);
  }

  /** The most runs holding {@code key} at one instant. */
  public int maxConcurrency(String key) {
    List<long[]> events = new ArrayList<>();
    for (Run r : runsOn(key)) {
      events.add(new long[] {r.startNanos(), 1});
      events.add(new long[] {r.endNanos(), -1});
    }
    // Ends sort before starts at the same instant: touching intervals do not overlap.
    events.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
    int current = 0;
    int max = 0;
    for (long[] e : events) {
      current += (int) e[1];
      max = Math.max(max, current);
    }
    return max;
  }

  /** Never more than {@code limit} runs holding {@code key} at once (a semaphore). */
  public void assertSemaphore(String key, int limit) {
    int max = maxConcurrency(key);
    if (max > limit) {
      throw new AssertionError(
          "semaphore key '" + key + "' had " + max + " concurrent runs, limit " + limit);
    }
  }

  /** Every job in {@code enqueued} has a successful run: none lost. */
  public void assertNoneLost(Collection<JobId> enqueued) {
    Set<JobId> done = succeededJobs();
    List<JobId> lost = enqueued.stream().filter(id -> !done.contains(id)).toList();
    if (!lost.isEmpty()) {
      throw new AssertionError(
          lost.size()
              + " of "
              + enqueued.size()
              + " jobs never finished successfully, e.g. "
              + lost.subList(0, Math.min(5, lost.size())));
    }
  }

  /**
   * At most {@code limit} of {@code starts} fall in any fixed window of {@code window} aligned to
   * the epoch (a fixed-window rate limit). Pass the storage's claim times for an exact check.
   */
  public static void assertFixedWindow(List<Instant> starts, int limit, Duration window) {
    long w = window.toMillis();
    Map<Long, Long> perWindow =
        starts.stream()
            .collect(
                Collectors.groupingBy(
                    t -> Math.floorDiv(t.toEpochMilli(), w),
                    LinkedHashMap::new,
                    Collectors.counting()));
    perWindow.forEach(
        (index, n) -> {
          if (n > limit) {
            throw new AssertionError(
                n
                    + " starts in the fixed window starting "
                    + Instant.ofEpochMilli(index * w)
                    + ", limit "
                    + limit);
          }
        });
  }

  /**
   * At most {@code limit} of {@code starts} in any half-open span {@code [t, t + window)} (a
   * sliding-window rate limit).
   */
  public static void assertSlidingWindow(List<Instant> starts, int limit, Duration window) {
    List<Instant> sorted = starts.stream().sorted().toList();
    for (int i = 0; i + limit < sorted.size(); i++) {
      Instant first = sorted.get(i);
      Instant beyond = sorted.get(i + limit);
      if (Duration.between(first, beyond).compareTo(window) < 0) {
        throw new AssertionError(
            (limit + 1)
                + " starts within "
                + Duration.between(first, beyond)
                + " (from "
                + first
                + "), limit "
                + limit
                + " per "
                + window);
      }
    }
  }

  private List<Run> runsOf(JobId id) {
    return runs().stream().filter(r -> r.jobId().equals(id)).toList();
  }

  private static void checkNoOverlap(List<Run> inStartOrder, String what) {
    Run latest = null;
    for (Run r : inStartOrder) {
      if (latest != null && r.overlaps(latest)) {
        throw new AssertionError(what + ": overlapping runs " + latest + " and " + r);
      }
      if (latest == null || r.endNanos() > latest.endNanos()) {
        latest = r;
      }
    }
  }
}
