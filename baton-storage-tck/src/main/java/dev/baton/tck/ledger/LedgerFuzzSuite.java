package dev.baton.tck.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.client.JobRequest;
import dev.baton.job.JobId;
import dev.baton.job.JobType;
import dev.baton.job.RetryBackoff;
import dev.baton.server.BatonServer;
import dev.baton.state.JobState;
import dev.baton.tck.concurrency.ConcurrencySuite;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Three servers of four workers work through a few thousand short jobs — plain, mutex-keyed,
 * semaphore-keyed, some failing once and retrying — while an {@link ExecutionLedger} records every
 * run. Then: none lost, none run twice at once or succeeded twice, no overlap on a mutex key, never
 * more than the limit on a semaphore key, and every job SUCCEEDED in the storage.
 *
 * <p>Size: {@value #DEFAULT_JOBS} jobs, or the system property {@value #JOBS_PROPERTY}.
 */
public abstract class LedgerFuzzSuite extends ConcurrencySuite {
  public static final String JOBS_PROPERTY = "baton.tck.fuzz.jobs";
  public static final int DEFAULT_JOBS = 2_000;

  static final int MUTEX_KEYS = 8;
  static final int SEMAPHORE_KEYS = 4;
  static final int SEMAPHORE_LIMIT = 3;

  /** Arguments: which key, whether the first attempt fails, how long to work (microseconds). */
  public record Fuzz(int seq, String key, boolean failFirst, int micros) {}

  static final RetryBackoff QUICK_RETRY = RetryBackoff.fixed(Duration.ofMillis(20));
  static final JobType<Fuzz> PLAIN =
      JobType.of("tck-fuzz-plain", Fuzz.class).withOptions(o -> o.retryBackoff(QUICK_RETRY));
  static final JobType<Fuzz> MUTEX =
      JobType.of("tck-fuzz-mutex", Fuzz.class)
          .withOptions(o -> o.retryBackoff(QUICK_RETRY).mutex("fuzz-m:{key}"));
  static final JobType<Fuzz> SEMAPHORE =
      JobType.of("tck-fuzz-semaphore", Fuzz.class)
          .withOptions(o -> o.retryBackoff(QUICK_RETRY).semaphore("fuzz-s:{key}", SEMAPHORE_LIMIT));

  private final ExecutionLedger ledger = new ExecutionLedger();

  private BatonServer.Builder handlers(BatonServer.Builder b) {
    return b.handle(PLAIN, (args, ctx) -> work(args, ctx, new String[0]))
        .handle(MUTEX, (args, ctx) -> work(args, ctx, new String[] {"fuzz-m:" + args.key()}))
        .handle(SEMAPHORE, (args, ctx) -> work(args, ctx, new String[] {"fuzz-s:" + args.key()}));
  }

  private void work(Fuzz args, dev.baton.job.JobContext ctx, String[] keys) {
    try (ExecutionLedger.Entry run = ledger.begin(ctx, keys)) {
      LockSupport.parkNanos(args.micros() * 1_000L);
      if (args.failFirst() && ctx.attempt() == 1) {
        throw new IllegalStateException("fuzz: first attempt of job " + args.seq() + " fails");
      }
      run.succeeded();
    }
  }

  @Test
  void noneLostNoneTwiceNoOverlap() {
    int jobs = Integer.getInteger(JOBS_PROPERTY, DEFAULT_JOBS);
    Random random = new Random(42);
    List<JobRequest> specs = new ArrayList<>();
    for (int i = 0; i < jobs; i++) {
      int kind = random.nextInt(10);
      boolean failFirst = random.nextInt(10) == 0;
      int micros = random.nextInt(1_000);
      if (kind < 4) {
        specs.add(JobRequest.of(PLAIN, new Fuzz(i, "", failFirst, micros)));
      } else if (kind < 7) {
        String key = "m" + random.nextInt(MUTEX_KEYS);
        specs.add(JobRequest.of(MUTEX, new Fuzz(i, key, failFirst, micros)));
      } else {
        String key = "s" + random.nextInt(SEMAPHORE_KEYS);
        specs.add(JobRequest.of(SEMAPHORE, new Fuzz(i, key, failFirst, micros)));
      }
    }
    for (int s = 0; s < 3; s++) {
      startServer("fuzz-" + s, 4, this::handlers);
    }
    List<JobId> ids = enqueueAll(specs);

    await(jobs + " jobs to succeed")
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> ledger.succeededJobs().size() >= jobs);

    ledger.assertNoneLost(ids);
    ledger.assertNoConcurrentRunsOfOneJob();
    ledger.assertNoJobSucceededTwice();
    ledger.assertMutexes(IntStream.range(0, MUTEX_KEYS).mapToObj(k -> "fuzz-m:m" + k).toList());
    for (int k = 0; k < SEMAPHORE_KEYS; k++) {
      ledger.assertSemaphore("fuzz-s:s" + k, SEMAPHORE_LIMIT);
    }
    long retried = ledger.runs().stream().filter(r -> r.attempt() == 2).count();
    assertThat(retried).as("the jobs failing once ran again").isPositive();
    // The storage agrees: every job reached SUCCEEDED (its finish may trail the handler a little).
    awaitAll(ids, JobState.SUCCEEDED);
  }
}
