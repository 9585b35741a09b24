package dev.baton.dashboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.dashboard.Dashboard;
import dev.baton.dashboard.api.HistoryApi.Range;
import dev.baton.dashboard.jdk.DashboardServer;
import dev.baton.storage.MinuteStats;
import dev.baton.storage.ServerEvent;
import dev.baton.storage.StatsStorage;
import dev.baton.storage.memory.InMemoryStorage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The history's kept steps answer what one full read would, and read only the newest minutes. */
class HistoryCacheTest {
  private static final List<String> TYPES = List.of("cleanup.purge", "email.send", "report", "x");
  private static final Duration MINUTE = Duration.ofMinutes(1);

  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T10:23:17Z"));
  private final InMemoryStorage storage = new InMemoryStorage(clock);
  private final Counting counting = new Counting(storage);
  private final Json json = new Json();

  @BeforeEach
  void fillAWeek() {
    Instant thisMinute = minuteOf(clock.instant());
    Random random = new Random(17);
    List<MinuteStats> rows = new ArrayList<>();
    for (Instant m = thisMinute.minus(Duration.ofDays(7)).minus(Duration.ofHours(2));
        !m.isAfter(thisMinute);
        m = m.plus(MINUTE)) {
      for (String type : TYPES) {
        if (random.nextInt(4) != 0) {
          rows.add(
              new MinuteStats(
                  m,
                  type,
                  random.nextInt(50),
                  random.nextInt(3),
                  random.nextInt(2),
                  random.nextInt(5_000),
                  random.nextInt(900)));
        }
      }
    }
    storage.addStats(rows);
  }

  @Test
  void answersWhatOneFullReadAnswersAndThenReadsOnlyTheNewestMinutes() {
    HistoryCache cache = new HistoryCache(counting, storage::now);
    for (Range r : Range.values()) {
      assertSameAsUncached(cache, r);
    }
    assertThat(counting.reads).hasSize(3);
    assertThat(counting.reads.get(2).minutes()).isEqualTo(7 * 24 * 60);

    clock.advance(Duration.ofSeconds(20)); // 10:23:37, the same steps
    counting.reads.clear();
    for (Range r : Range.values()) {
      assertSameAsUncached(cache, r);
    }
    // Only what is not settled (ended less than 2 minutes ago) or still open: 10:21-10:24 for
    // 1h, 10:20-10:30 for 24h, 10:00-11:00 for 7d.
    assertThat(counting.reads.stream().map(Read::minutes)).containsExactly(3, 10, 60);

    // Counters for the current minute show up in the next answer.
    storage.addStats(
        List.of(new MinuteStats(minuteOf(clock.instant()), "new.type", 7, 1, 2, 30, 4)));
    for (Range r : Range.values()) {
      HistoryCache.Window w = assertSameAsUncached(cache, r);
      assertThat(w.steps().get(w.steps().size() - 1)).containsKey("new.type");
    }

    // An hour and a half later: the old steps slid out, the new ones are summed once and kept.
    for (int i = 0; i < 90; i++) {
      clock.advance(MINUTE);
      storage.addStats(
          List.of(new MinuteStats(minuteOf(clock.instant()), "email.send", i, 0, 1, 10, 2)));
      if (i % 7 == 0) {
        for (Range r : Range.values()) {
          assertSameAsUncached(cache, r);
        }
      }
    }
    counting.reads.clear();
    for (Range r : Range.values()) {
      assertSameAsUncached(cache, r);
    }
    assertThat(counting.reads)
        .allSatisfy(read -> assertThat(read.minutes()).isLessThanOrEqualTo(62));
  }

  @Test
  void aClockThatWentBackStartsOver() {
    HistoryCache cache = new HistoryCache(counting, storage::now);
    assertSameAsUncached(cache, Range.DAY);
    clock.advance(Duration.ofHours(-3));
    assertSameAsUncached(cache, Range.DAY);
    clock.advance(Duration.ofDays(9));
    assertSameAsUncached(cache, Range.DAY);
  }

  @Test
  void theServedAnswerIsTheUncachedOne() throws Exception {
    try (Dashboard dashboard = Dashboard.builder(storage).build();
        DashboardServer server =
            DashboardServer.start(
                dashboard, DashboardServer.Options.builder().bind("127.0.0.1").port(0).build())) {
      HttpClient http = HttpClient.newHttpClient();
      for (Range r : Range.values()) {
        HttpResponse<String> answer =
            http.send(
                HttpRequest.newBuilder(
                        URI.create(server.url() + "api/v1/stats/history?range=" + r.name))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        String expected =
            json.write(
                HistoryApi.body(r, true, HistoryCache.uncached(storage, r, clock.instant())));
        assertThat(json.tree(answer.body())).isEqualTo(json.tree(expected));
      }
    }
  }

  private HistoryCache.Window assertSameAsUncached(HistoryCache cache, Range r) {
    HistoryCache.Window cached = cache.read(r);
    HistoryCache.Window fresh = HistoryCache.uncached(storage, r, clock.instant());
    assertThat(cached.steps()).hasSize((int) (r.span.toMillis() / r.step.toMillis()));
    assertThat(json.write(HistoryApi.body(r, true, cached)))
        .isEqualTo(json.write(HistoryApi.body(r, true, fresh)));
    return cached;
  }

  private static Instant minuteOf(Instant t) {
    return Instant.ofEpochSecond(Math.floorDiv(t.getEpochSecond(), 60) * 60);
  }

  /** One {@code stats(from, to)} call. */
  record Read(Instant from, Instant to) {
    int minutes() {
      return (int) Duration.between(from, to).toMinutes();
    }
  }

  /** The storage's statistics, recording every read. */
  private static final class Counting implements StatsStorage {
    final List<Read> reads = new CopyOnWriteArrayList<>();
    private final StatsStorage delegate;

    Counting(StatsStorage delegate) {
      this.delegate = delegate;
    }

    @Override
    public void addStats(List<MinuteStats> deltas) {
      delegate.addStats(deltas);
    }

    @Override
    public List<MinuteStats> stats(Instant from, Instant to) {
      reads.add(new Read(from, to));
      return delegate.stats(from, to);
    }

    @Override
    public int pruneStats(Instant before) {
      return delegate.pruneStats(before);
    }

    @Override
    public void addServerEvent(ServerEvent event) {
      delegate.addServerEvent(event);
    }

    @Override
    public List<ServerEvent> serverEvents(int limit) {
      return delegate.serverEvents(limit);
    }
  }

  /** A clock that moves only when told to. */
  private static final class ManualClock extends Clock {
    private volatile Instant now;

    ManualClock(Instant start) {
      this.now = start;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
