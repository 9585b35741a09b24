package dev.baton.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.storage.MinuteStats;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A prune after a long stop finds more rows than one statement should delete under the statement
 * timeout: it deletes them in batches of {@link StatsOps#PRUNE_BATCH}, and all of them.
 */
class JdbcStatsPruneTest {
  @ParameterizedTest
  @MethodSource("dev.baton.storage.jdbc.JdbcCallTimeoutsTest#fixtures")
  void aPruneOfManyBatchesDeletesEveryOldRowAndNoNewOne(
      Supplier<JdbcCallTimeoutsTest.Fixture> factory) {
    try (JdbcCallTimeoutsTest.Fixture f = factory.get()) {
      JdbcStorage s = f.register(f.builder().build());
      Instant old = Instant.now().minus(Duration.ofDays(30)).truncatedTo(ChronoUnit.MINUTES);
      int oldRows = 2 * StatsOps.PRUNE_BATCH + 7;
      List<MinuteStats> rows = new ArrayList<>();
      for (int i = 0; i < oldRows; i++) {
        rows.add(new MinuteStats(old.plus(Duration.ofMinutes(i / 3)), "t" + i % 3, 1, 0, 0, 1, 1));
      }
      Instant recent = Instant.now().truncatedTo(ChronoUnit.MINUTES);
      rows.add(new MinuteStats(recent, "t0", 1, 0, 0, 1, 1));
      s.addStats(rows);

      assertThat(s.pruneStats(recent.minus(Duration.ofDays(1)))).isEqualTo(oldRows);

      assertThat(s.stats(Instant.EPOCH, recent.plus(Duration.ofMinutes(1))))
          .extracting(MinuteStats::minute)
          .containsExactly(recent);
    }
  }
}
