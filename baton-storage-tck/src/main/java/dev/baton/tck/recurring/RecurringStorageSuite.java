package dev.baton.tck.recurring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.storage.CreateResult;
import dev.baton.storage.RecurringRecord;
import dev.baton.tck.TckSuite;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What the recurring plugin needs of {@code fireRecurring} beyond the SPI contract suite ({@link
 * dev.baton.tck.spi.RecurringSuite}): a fire without jobs (all occurrences skipped by the misfire
 * policy) still moves the schedule, and stored times compare equal when handed back.
 */
public abstract class RecurringStorageSuite extends TckSuite {
  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

  private static RecurringRecord record(String id, Instant next) {
    return new RecurringRecord(id, "{\"any\":\"json\"}", next, false, null, null);
  }

  @Test
  void anOccurrenceMayFireWithoutJobsToAdvanceTheSchedule() {
    storage().saveRecurring(record("s", T0));
    Optional<List<CreateResult>> fired =
        storage().fireRecurring("s", T0, T0.plusSeconds(60), List.of());
    assertThat(fired).contains(List.of());
    assertThat(storage().recurringJobs().get(0).nextFireAt()).isEqualTo(T0.plusSeconds(60));
    assertThat(storage().fireRecurring("s", T0, T0.plusSeconds(120), List.of()))
        .as("the same occurrence again")
        .isEmpty();
  }

  @Test
  void storedTimesCompareEqualWhenHandedBack() {
    // The plugin passes back the next fire time it read: it must match at the storage's precision.
    Instant next = Instant.now().truncatedTo(ChronoUnit.MILLIS).plus(Duration.ofDays(1));
    storage().saveRecurring(record("t", next));
    Instant read = storage().recurringJobs().get(0).nextFireAt();
    assertThat(read).isEqualTo(next);
    assertThat(storage().fireRecurring("t", read, read.plusSeconds(1), List.of())).isPresent();
  }
}
