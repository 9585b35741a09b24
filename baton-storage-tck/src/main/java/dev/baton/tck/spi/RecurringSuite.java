package dev.baton.tck.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.CreateResult;
import dev.baton.storage.JobStorage;
import dev.baton.storage.RecurringRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Recurring definitions and the once-only {@code fireRecurring} compare-and-set. */
public abstract class RecurringSuite extends SpiSuite {
  private static final Instant T0 = Instant.parse("2030-01-01T10:00:00Z");
  private static final Instant T1 = T0.plus(Duration.ofHours(1));

  private static RecurringRecord record(String id, Instant next, boolean paused) {
    return new RecurringRecord(id, "{\"cron\":\"0 * * * *\"}", next, paused, null, null);
  }

  @Test
  void savedDefinitionsAreListedByIdAndReplaced() {
    storage().saveRecurring(record("b-report", T0, false));
    storage().saveRecurring(record("a-cleanup", T0, false));
    storage().saveRecurring(record("b-report", T1, true));

    assertThat(storage().recurringJobs())
        .containsExactly(record("a-cleanup", T0, false), record("b-report", T1, true));
  }

  @Test
  void removeSaysWhetherItExistedAndLeavesItsJobs() {
    storage().saveRecurring(record("r", T0, false));
    TestJob job = TestJob.job();
    storage().fireRecurring("r", T0, T1, List.of(job.toNew()));

    assertThat(storage().removeRecurring("r")).isTrue();
    assertThat(storage().removeRecurring("r")).isFalse();
    assertThat(storage().recurringJobs()).isEmpty();
    assertThat(state(job.id())).isEqualTo(JobState.ENQUEUED);
  }

  @Test
  void fireCreatesTheJobsAndMovesTheNextFireTime() {
    storage().saveRecurring(record("r", T0, false));
    TestJob job = TestJob.job().id(JobId.nameBased("r@" + T0));

    Optional<List<CreateResult>> fired = storage().fireRecurring("r", T0, T1, List.of(job.toNew()));

    assertThat(fired).contains(List.of(CreateResult.created(job.id(), JobState.ENQUEUED)));
    RecurringRecord after = storage().recurringJobs().get(0);
    assertThat(after.nextFireAt()).isEqualTo(T1);
    assertThat(after.lastFireAt()).isEqualTo(T0);
    assertThat(after.lastJobId()).isEqualTo(job.id());
    assertThat(after.definitionJson()).isEqualTo("{\"cron\":\"0 * * * *\"}");
    assertThat(storage().fireRecurring("r", T0, T1, List.of(job.another().toNew()))).isEmpty();
  }

  @Test
  void fireOfAPausedUnknownOrMovedDefinitionChangesNothing() {
    storage().saveRecurring(record("paused", T0, true));
    storage().saveRecurring(record("r", T0, false));
    TestJob job = TestJob.job();

    assertThat(storage().fireRecurring("paused", T0, T1, List.of(job.toNew()))).isEmpty();
    assertThat(storage().fireRecurring("unknown", T0, T1, List.of(job.toNew()))).isEmpty();
    assertThat(storage().fireRecurring("r", T1, T1.plusSeconds(60), List.of(job.toNew())))
        .isEmpty();
    assertThat(storage().find(job.id())).isEmpty();
    assertThat(storage().recurringJobs().get(1).nextFireAt()).isEqualTo(T0);
  }

  @Test
  void fireOfAnExistingOccurrenceIsADuplicateButStillAdvances() {
    storage().saveRecurring(record("r", T0, false));
    TestJob job = TestJob.job();
    create(job);

    Optional<List<CreateResult>> fired = storage().fireRecurring("r", T0, T1, List.of(job.toNew()));

    assertThat(fired).contains(List.of(CreateResult.duplicate(job.id(), JobState.ENQUEUED)));
    assertThat(storage().recurringJobs().get(0).lastJobId()).isEqualTo(job.id());
    assertThat(storage().recurringJobs().get(0).nextFireAt()).isEqualTo(T1);
  }

  @Test
  void concurrentFiresOfOneOccurrenceHaveExactlyOneWinner() throws Exception {
    Instant next = storage().now().truncatedTo(ChronoUnit.MILLIS);
    storage().saveRecurring(record("race", next, false));
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Optional<List<CreateResult>>>> results = new ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        JobStorage client = client(i);
        TestJob job = TestJob.job();
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return client.fireRecurring(
                      "race", next, next.plusSeconds(60), List.of(job.toNew()));
                }));
      }
      start.countDown();
      int winners = 0;
      for (Future<Optional<List<CreateResult>>> f : results) {
        winners += f.get(30, TimeUnit.SECONDS).isPresent() ? 1 : 0;
      }
      assertThat(winners).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(ids(claimAll())).hasSize(1);
  }
}
