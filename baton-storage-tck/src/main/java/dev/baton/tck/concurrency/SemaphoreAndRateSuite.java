package dev.baton.tck.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.concurrency.ConcurrencyLimit;
import dev.baton.job.JobId;
import dev.baton.job.JobType;
import dev.baton.state.JobState;
import dev.baton.tck.ledger.ExecutionLedger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Semaphores and rate limits end to end: never more than N at once, never more than N starts per
 * window (checked on the storage's claim times, fixed and sliding).
 */
public abstract class SemaphoreAndRateSuite extends ConcurrencySuite {
  /** Arguments: the key, and how long to work. */
  public record Call(String partner, long millis) {}

  static final int PERMITS = 3;
  static final JobType<Call> SEMAPHORE =
      JobType.of("tck-semaphore", Call.class)
          .withOptions(o -> o.semaphore("partner:{partner}", PERMITS));

  static final Duration WINDOW = Duration.ofMillis(400);
  static final int STARTS = 4;
  static final JobType<Call> FIXED =
      JobType.of("tck-rate-fixed", Call.class)
          .withOptions(o -> o.rateLimit("fixed:{partner}", STARTS, WINDOW));
  static final JobType<Call> SLIDING =
      JobType.of("tck-rate-sliding", Call.class)
          .withOptions(
              o -> o.limit(ConcurrencyLimit.slidingRateLimit("sliding:{partner}", STARTS, WINDOW)));

  private final ExecutionLedger ledger = new ExecutionLedger();

  @Test
  void aSemaphoreNeverAdmitsMoreThanItsLimit() {
    for (int s = 0; s < 2; s++) {
      startServer(
          "sem-" + s,
          4,
          b ->
              b.handle(
                  SEMAPHORE,
                  (args, ctx) -> {
                    try (ExecutionLedger.Entry run =
                        ledger.begin(ctx, "partner:" + args.partner())) {
                      Thread.sleep(args.millis());
                      run.succeeded();
                    }
                  }));
    }
    List<JobId> ids = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      ids.add(enqueue(SEMAPHORE, new Call(i % 4 == 0 ? "other" : "acme", 10)));
    }
    awaitAll(ids, JobState.SUCCEEDED);
    ledger.assertNoneLost(ids);
    ledger.assertSemaphore("partner:acme", PERMITS);
    ledger.assertSemaphore("partner:other", PERMITS);
  }

  @Test
  void aFixedWindowRateLimitNeverAdmitsMoreStartsPerWindow() {
    List<JobId> ids = runAll(FIXED, 14);
    List<Instant> starts = claimTimes(ids);
    assertThat(starts).hasSize(14);
    ExecutionLedger.assertFixedWindow(starts, STARTS, WINDOW);
  }

  @Test
  void aSlidingWindowRateLimitNeverAdmitsMoreStartsInAnySpan() {
    List<JobId> ids = runAll(SLIDING, 14);
    List<Instant> starts = claimTimes(ids);
    assertThat(starts).hasSize(14);
    ExecutionLedger.assertSlidingWindow(starts, STARTS, WINDOW);
  }

  private List<JobId> runAll(JobType<Call> type, int jobs) {
    for (int s = 0; s < 2; s++) {
      startServer("rate-" + s, 4, b -> b.handle(type, (args, ctx) -> {}));
    }
    List<JobId> ids = new ArrayList<>();
    for (int i = 0; i < jobs; i++) {
      ids.add(enqueue(type, new Call("api", 0)));
    }
    // Parked jobs carry a wake-up time: they must not wait for anything else to move.
    awaitAll(ids, JobState.SUCCEEDED);
    return ids;
  }
}
