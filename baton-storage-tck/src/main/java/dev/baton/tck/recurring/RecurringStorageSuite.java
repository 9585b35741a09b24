package dev.baton.tck.recurring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.concurrency.Concurrency;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.CreateResult;
import dev.baton.storage.JobSpec;
import dev.baton.storage.NewJob;
import dev.baton.storage.RecurringRecord;
import dev.baton.tck.TckSuite;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The storage's side of recurring jobs: definitions are stored verbatim, listed by id, and {@code
 * fireRecurring} is a compare-and-set on the next fire time.
 */
public abstract class RecurringStorageSuite extends TckSuite {
  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

  private static RecurringRecord record(String id, Instant next, boolean paused) {
    return new RecurringRecord(id, "{\"any\":\"json\"}", next, paused, null, null);
  }

  private static NewJob job(JobId id) {
    JobSpec spec =
        new JobSpec(
            id, "tck.recurring", "default", "{}", "{}", 1, null, null, Concurrency.NONE, null);
    return NewJob.now(spec, "tck");
  }

  @Test
  void savesReplacesListsByIdAndRemoves() {
    storage().saveRecurring(record("b", T0, false));
    storage().saveRecurring(record("a", T0, true));
    storage().saveRecurring(record("b", T0.plusSeconds(60), false));
    List<RecurringRecord> all = storage().recurringJobs();
    assertThat(all).extracting(RecurringRecord::id).containsExactly("a", "b");
    assertThat(all.get(0)).isEqualTo(record("a", T0, true));
    assertThat(all.get(1).nextFireAt()).isEqualTo(T0.plusSeconds(60));
    assertThat(all.get(1).definitionJson()).isEqualTo("{\"any\":\"json\"}");

    assertThat(storage().removeRecurring("a")).isTrue();
    assertThat(storage().removeRecurring("a")).isFalse();
    assertThat(storage().recurringJobs()).extracting(RecurringRecord::id).containsExactly("b");
  }

  @Test
  void fireRecurringIsACompareAndSetOnTheNextFireTime() {
    storage().saveRecurring(record("r", T0, false));
    JobId first = JobId.nameBased("tck:r:1");

    Optional<List<CreateResult>> fired =
        storage().fireRecurring("r", T0, T0.plusSeconds(60), List.of(job(first)));
    assertThat(fired).isPresent();
    assertThat(fired.get()).containsExactly(CreateResult.created(first, JobState.ENQUEUED));
    RecurringRecord after = storage().recurringJobs().get(0);
    assertThat(after.nextFireAt()).isEqualTo(T0.plusSeconds(60));
    assertThat(after.lastFireAt()).isEqualTo(T0);
    assertThat(after.lastJobId()).isEqualTo(first);
    assertThat(storage().find(first)).isPresent();

    JobId second = JobId.nameBased("tck:r:2");
    assertThat(storage().fireRecurring("r", T0, T0.plusSeconds(120), List.of(job(second))))
        .as("stale expected next fire time")
        .isEmpty();
    assertThat(storage().find(second)).as("nothing written when the CAS fails").isEmpty();
    assertThat(storage().recurringJobs().get(0).nextFireAt()).isEqualTo(T0.plusSeconds(60));
    assertThat(storage().fireRecurring("unknown", T0, T0.plusSeconds(60), List.of(job(second))))
        .isEmpty();
  }

  @Test
  void aPausedRecurringJobDoesNotFire() {
    storage().saveRecurring(record("p", T0, true));
    JobId id = JobId.nameBased("tck:p:1");
    assertThat(storage().fireRecurring("p", T0, T0.plusSeconds(60), List.of(job(id)))).isEmpty();
    assertThat(storage().find(id)).isEmpty();
    assertThat(storage().recurringJobs().get(0).nextFireAt()).isEqualTo(T0);
  }

  @Test
  void anOccurrenceMayFireWithoutJobsToAdvanceTheSchedule() {
    storage().saveRecurring(record("s", T0, false));
    Optional<List<CreateResult>> fired =
        storage().fireRecurring("s", T0, T0.plusSeconds(60), List.of());
    assertThat(fired).contains(List.of());
    assertThat(storage().recurringJobs().get(0).nextFireAt()).isEqualTo(T0.plusSeconds(60));
  }

  @Test
  void anExistingJobIdIsADuplicateNotAFailure() {
    storage().saveRecurring(record("d", T0, false));
    JobId id = JobId.nameBased("tck:d:1");
    storage().create(List.of(job(id)));
    Optional<List<CreateResult>> fired =
        storage().fireRecurring("d", T0, T0.plusSeconds(60), List.of(job(id)));
    assertThat(fired).isPresent();
    assertThat(fired.get().get(0).isDuplicate()).isTrue();
    assertThat(fired.get().get(0).id()).isEqualTo(id);
    RecurringRecord after = storage().recurringJobs().get(0);
    assertThat(after.nextFireAt()).isEqualTo(T0.plusSeconds(60));
    assertThat(after.lastJobId()).isEqualTo(id);
  }

  @Test
  void timesRoundTripAtMillisecondPrecision() {
    Instant next = Instant.now().truncatedTo(ChronoUnit.MILLIS).plus(Duration.ofDays(1));
    storage().saveRecurring(record("t", next, false));
    assertThat(storage().recurringJobs().get(0).nextFireAt()).isEqualTo(next);
    assertThat(storage().fireRecurring("t", next, next.plusSeconds(1), List.of())).isPresent();
  }
}
