package dev.baton.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.stats.OutcomeCounters.Outcome;
import dev.baton.storage.MinuteStats;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class OutcomeCountersTest {
  private final AtomicReference<Instant> storageNow = new AtomicReference<>(Instant.now());
  private final OutcomeCounters counters = new OutcomeCounters(storageNow::get);

  @Test
  void drainsCountsPerTypeOnceAndThenNothing() {
    counters.add("mail", Outcome.SUCCEEDED, 10, 3);
    counters.add("mail", Outcome.SUCCEEDED, 5, 0);
    counters.add("mail", Outcome.RETRIED, 7, 1);
    counters.add("encode", Outcome.FAILED, 100, 0);

    List<MinuteStats> deltas = counters.drain();

    Instant minute = Instant.ofEpochMilli(counters.nowMillis()).truncatedTo(ChronoUnit.MINUTES);
    assertThat(deltas)
        .containsExactlyInAnyOrder(
            new MinuteStats(minute, "mail", 2, 0, 1, 22, 4),
            new MinuteStats(minute, "encode", 0, 1, 0, 100, 0));
    assertThat(counters.drain()).isEmpty();
  }

  @Test
  void countsByTheStorageClock() {
    storageNow.set(Instant.now().plus(Duration.ofHours(3)));
    counters.syncClock();
    counters.add("mail", Outcome.SUCCEEDED, 1, 1);

    Instant expected = storageNow.get().truncatedTo(ChronoUnit.MINUTES);
    assertThat(counters.drain())
        .extracting(MinuteStats::minute)
        .singleElement()
        .satisfies(
            m -> assertThat(Duration.between(expected, m).abs()).isLessThan(Duration.ofMinutes(2)));
  }

  @Test
  void restoredDeltasComeBackWithTheNextDrain() {
    counters.add("mail", Outcome.SUCCEEDED, 4, 2);
    List<MinuteStats> failedWrite = counters.drain();
    counters.add("mail", Outcome.FAILED, 1, 0);

    counters.restore(failedWrite);

    MinuteStats m = failedWrite.get(0);
    assertThat(counters.drain())
        .containsExactly(new MinuteStats(m.minute(), "mail", 1, 1, 0, 5, 2));
  }

  @Test
  void concurrentAddsAndDrainsLoseNothing() throws Exception {
    int threads = 4;
    int each = 20_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    for (int t = 0; t < threads; t++) {
      pool.execute(
          () -> {
            for (int i = 0; i < each; i++) {
              counters.add("hot", Outcome.SUCCEEDED, 1, 0);
            }
          });
    }
    long succeeded = 0;
    long run = 0;
    pool.shutdown();
    while (!pool.awaitTermination(1, TimeUnit.MILLISECONDS)) {
      for (MinuteStats d : counters.drain()) {
        succeeded += d.succeeded();
        run += d.runMillis();
      }
    }
    for (MinuteStats d : counters.drain()) {
      succeeded += d.succeeded();
      run += d.runMillis();
    }
    assertThat(succeeded).isEqualTo((long) threads * each);
    assertThat(run).isEqualTo((long) threads * each);
  }
}
