package dev.baton.tck.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.baton.storage.MinuteStats;
import dev.baton.storage.ServerEvent;
import dev.baton.storage.StatsStorage;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@link StatsStorage}, the optional power behind the dashboard's history: per-minute counters
 * summed by the storage, and the short log of server events. Skipped for storages without it.
 */
public abstract class StatsStorageSuite extends SpiSuite {

  private static final Duration MINUTE = Duration.ofMinutes(1);

  @Test
  void addStatsSumsDeltasOfTheSameMinuteAndType() {
    Instant m = thisMinute();
    stats().addStats(List.of(new MinuteStats(m, "mail", 1, 0, 0, 10, 5)));
    stats()
        .addStats(
            List.of(
                new MinuteStats(m, "mail", 2, 1, 1, 20, 7),
                new MinuteStats(m, "encode", 0, 3, 0, 300, 0)));
    stats().addStats(List.of(new MinuteStats(m, "mail", 0, 0, 2, 5, 1)));

    assertThat(stats().stats(m, m.plus(MINUTE)))
        .containsExactly(
            new MinuteStats(m, "encode", 0, 3, 0, 300, 0),
            new MinuteStats(m, "mail", 3, 1, 3, 35, 13));
  }

  @Test
  void statsReadsAHalfOpenRangeOrderedByMinuteThenType() {
    Instant m = thisMinute();
    stats()
        .addStats(
            List.of(
                new MinuteStats(m.plus(MINUTE), "b", 1, 0, 0, 1, 1),
                new MinuteStats(m, "b", 2, 0, 0, 1, 1),
                new MinuteStats(m.minus(MINUTE), "b", 3, 0, 0, 1, 1),
                new MinuteStats(m, "a", 4, 0, 0, 1, 1),
                new MinuteStats(m.minus(MINUTE), "a", 5, 0, 0, 1, 1),
                new MinuteStats(m.minus(MINUTE.multipliedBy(2)), "a", 6, 0, 0, 1, 1)));

    List<MinuteStats> read = stats().stats(m.minus(MINUTE), m.plus(MINUTE));

    assertThat(read)
        .extracting(s -> s.minute() + " " + s.type() + " " + s.succeeded())
        .containsExactly(
            m.minus(MINUTE) + " a 5", m.minus(MINUTE) + " b 3", m + " a 4", m + " b 2");
    assertThat(stats().stats(m.plus(MINUTE.multipliedBy(2)), m.plus(MINUTE.multipliedBy(9))))
        .isEmpty();
    assertThat(stats().stats(m.minus(Duration.ofDays(1)), m.plus(Duration.ofDays(1)))).hasSize(6);
  }

  @Test
  void pruneStatsDropsMinutesBeforeTheBound() {
    Instant m = thisMinute();
    stats()
        .addStats(
            List.of(
                new MinuteStats(m.minus(Duration.ofDays(9)), "a", 1, 0, 0, 1, 1),
                new MinuteStats(m.minus(Duration.ofDays(9)), "b", 1, 0, 0, 1, 1),
                new MinuteStats(m.minus(MINUTE), "a", 1, 0, 0, 1, 1),
                new MinuteStats(m, "a", 1, 0, 0, 1, 1)));

    assertThat(stats().pruneStats(m.minus(MINUTE))).isEqualTo(2);

    assertThat(stats().stats(m.minus(Duration.ofDays(10)), m.plus(MINUTE)))
        .extracting(MinuteStats::minute)
        .containsExactly(m.minus(MINUTE), m);
    assertThat(stats().pruneStats(m.minus(MINUTE))).isZero();
  }

  @Test
  void serverEventsAreReadNewestFirstAndLimited() {
    Instant t = storage().now().truncatedTo(ChronoUnit.MILLIS);
    List<ServerEvent> added = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ServerEvent e =
          i == 3
              ? new ServerEvent(
                  t.plusSeconds(i),
                  ServerEvent.Kind.DECLARED_DEAD,
                  "tck-dead-" + i,
                  SERVER,
                  7,
                  "silent for 8s; 7 jobs requeued")
              : new ServerEvent(
                  t.plusSeconds(i), ServerEvent.Kind.STARTED, "tck-server-" + i, null, 0, null);
      stats().addServerEvent(e);
      added.add(e);
    }

    assertThat(stats().serverEvents(3)).containsExactly(added.get(4), added.get(3), added.get(2));
    assertThat(stats().serverEvents(StatsStorage.KEPT_EVENTS))
        .containsExactly(added.get(4), added.get(3), added.get(2), added.get(1), added.get(0));
    ServerEvent dead = stats().serverEvents(2).get(1);
    assertThat(dead.kind()).isEqualTo(ServerEvent.Kind.DECLARED_DEAD);
    assertThat(dead.byServerId()).isEqualTo(SERVER);
    assertThat(dead.jobs()).isEqualTo(7);
    assertThat(stats().serverEvents(1).get(0).byServerId()).isNull();
    assertThat(stats().serverEvents(1).get(0).detail()).isEmpty();
  }

  @Test
  void addStatsIsAtomicForABatchAndLosesNoConcurrentDelta() throws Exception {
    Instant m = thisMinute();
    int writers = 4;
    int batches = 20;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<CompletableFuture<Void>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        StatsStorage client = (StatsStorage) client(w);
        done.add(
            CompletableFuture.runAsync(
                () -> {
                  for (int i = 0; i < batches; i++) {
                    client.addStats(
                        List.of(
                            new MinuteStats(m, "atomic-a", 1, 0, 0, 2, 3),
                            new MinuteStats(m, "atomic-b", 1, 0, 0, 2, 3)));
                  }
                },
                pool));
      }
      CompletableFuture<Void> all = CompletableFuture.allOf(done.toArray(CompletableFuture[]::new));
      while (!all.isDone()) {
        Map<String, Long> seen = succeededByType(m);
        assertThat(seen.getOrDefault("atomic-a", 0L))
            .as("a reader sees a batch whole or not at all")
            .isEqualTo(seen.getOrDefault("atomic-b", 0L));
      }
      all.get(10, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }

    long total = (long) writers * batches;
    assertThat(stats().stats(m, m.plus(MINUTE)))
        .containsExactly(
            new MinuteStats(m, "atomic-a", total, 0, 0, 2 * total, 3 * total),
            new MinuteStats(m, "atomic-b", total, 0, 0, 2 * total, 3 * total));
  }

  private Map<String, Long> succeededByType(Instant m) {
    return stats().stats(m, m.plus(MINUTE)).stream()
        .collect(Collectors.toMap(MinuteStats::type, MinuteStats::succeeded, Long::sum));
  }

  /** The storage's stats; the test is skipped if it has none. */
  protected StatsStorage stats() {
    assumeTrue(storage() instanceof StatsStorage, "storage does not implement StatsStorage");
    return (StatsStorage) storage();
  }

  /** The start of the storage's current minute (skipping the test first if it has no stats). */
  private Instant thisMinute() {
    stats();
    return storage().now().truncatedTo(ChronoUnit.MINUTES);
  }
}
