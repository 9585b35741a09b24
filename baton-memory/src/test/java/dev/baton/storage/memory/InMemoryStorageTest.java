package dev.baton.storage.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.concurrency.Concurrency;
import dev.baton.concurrency.Permit;
import dev.baton.concurrency.ReleasePolicy;
import dev.baton.concurrency.Uniqueness;
import dev.baton.concurrency.WaitPolicy;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.JobSpec;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.NewJob;
import dev.baton.storage.RunOutcome;
import dev.baton.storage.ServerBeat;
import dev.baton.storage.StorageListener;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Memory-only checks on a manual clock: exact window edges, deadlines and expiries that the kit can
 * only test with real time, plus how listeners are called.
 */
class InMemoryStorageTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00.500Z");
  private final ManualClock clock = new ManualClock(T0);
  private final InMemoryStorage storage = new InMemoryStorage(clock);

  private static JobSpec spec(WaitPolicy wait, Uniqueness unique, Permit... permits) {
    Concurrency c = new Concurrency(List.of(permits), wait, ReleasePolicy.ON_LEAVE_PROCESSING);
    return new JobSpec(JobId.newId(), "t", "default", "{}", "{}", 3, null, null, c, unique);
  }

  private JobId create(Permit... permits) {
    JobSpec s = spec(WaitPolicy.WAIT, null, permits);
    storage.create(List.of(NewJob.now(s, "test")));
    return s.id();
  }

  private JobState state(JobId id) {
    return storage.find(id).orElseThrow().state();
  }

  private List<LeasedJob> claim() {
    return storage.claim("s", List.of("default"), 100);
  }

  @Test
  void fixedWindowOpensExactlyAtTheEpochAlignedEdge() {
    Permit rate = Permit.rateFixed("api", 2, Duration.ofSeconds(1));
    create(rate);
    create(rate);
    JobId third = create(rate);
    assertThat(claim()).hasSize(2);

    assertThat(storage.find(third).orElseThrow().blocked().wakeAt())
        .isEqualTo(Instant.parse("2030-01-01T00:00:01Z"));
    clock.advance(Duration.ofMillis(499));
    assertThat(storage.promoteDue(10)).isZero();
    clock.advance(Duration.ofMillis(1));
    assertThat(storage.promoteDue(10)).isEqualTo(1);
    assertThat(claim()).extracting(l -> l.lease().jobId()).containsExactly(third);
  }

  @Test
  void slidingWindowCountsStartsWithinTheLastWindow() {
    Permit rate = Permit.rateSliding("api", 2, Duration.ofSeconds(1));
    create(rate);
    assertThat(claim()).hasSize(1);
    clock.advance(Duration.ofMillis(400));
    create(rate);
    assertThat(claim()).hasSize(1);
    clock.advance(Duration.ofMillis(100));
    JobId third = create(rate);
    assertThat(claim()).isEmpty();

    assertThat(storage.find(third).orElseThrow().blocked().wakeAt()).isEqualTo(T0.plusSeconds(1));
    clock.advance(Duration.ofMillis(499));
    assertThat(storage.promoteDue(10)).isZero();
    clock.advance(Duration.ofMillis(1));
    assertThat(storage.promoteDue(10)).isEqualTo(1);
  }

  @Test
  void maxWaitGivesUpAtTheDeadline() {
    create(Permit.mutex("k"));
    claim();
    JobSpec s =
        spec(
            WaitPolicy.waitAtMost(Duration.ofSeconds(10), WaitPolicy.TimeoutAction.FAIL),
            null,
            Permit.mutex("k"));
    storage.create(List.of(NewJob.now(s, "test")));
    claim();

    clock.advance(Duration.ofMillis(9_999));
    assertThat(storage.promoteDue(10)).isZero();
    clock.advance(Duration.ofMillis(1));
    assertThat(storage.promoteDue(10)).isEqualTo(1);
    assertThat(state(s.id())).isEqualTo(JobState.FAILED);
    assertThat(storage.find(s.id()).orElseThrow().history().get(2).reason()).contains("mutex k");
  }

  @Test
  void ttlUniqueKeyAndRetentionExpireOnTheStorageClock() {
    Uniqueness ttl = new Uniqueness("u", Uniqueness.Hold.TTL, Duration.ofMinutes(1));
    JobSpec first = spec(WaitPolicy.WAIT, ttl);
    storage.create(List.of(NewJob.now(first, "test")));
    storage.finish(
        claim().get(0).lease(), "w", new RunOutcome.Succeeded(Duration.ofMinutes(2), "ok"));

    clock.advance(Duration.ofSeconds(59));
    assertThat(
            storage.create(List.of(NewJob.now(spec(WaitPolicy.WAIT, ttl), "x"))).get(0).created())
        .isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(
            storage.create(List.of(NewJob.now(spec(WaitPolicy.WAIT, ttl), "x"))).get(0).created())
        .isTrue();
    assertThat(storage.purgeExpired(10)).isZero();
    clock.advance(Duration.ofMinutes(1));
    assertThat(storage.purgeExpired(10)).isEqualTo(1);
    assertThat(storage.find(first.id())).isEmpty();
  }

  @Test
  void serverIsDeadOnlyAfterTheTimeout() {
    storage.heartbeat(new ServerBeat("a", "h", List.of("default"), 1, List.of()));
    JobId id = create();
    storage.claim("a", List.of("default"), 1);

    clock.advance(Duration.ofSeconds(10));
    assertThat(storage.rescueDeadServers(Duration.ofSeconds(10), "b")).isEmpty();
    clock.advance(Duration.ofMillis(1));
    assertThat(storage.rescueDeadServers(Duration.ofSeconds(10), "b")).hasSize(1);
    assertThat(state(id)).isEqualTo(JobState.ENQUEUED);
  }

  @Test
  void offerLapsesExactlyAfterItsTtlOnTheStorageClock() {
    storage.claimOrOffer("a", List.of("default"), 2, Duration.ofSeconds(1));
    clock.advance(Duration.ofMillis(999));
    JobId handed = create();
    assertThat(state(handed)).isEqualTo(JobState.PROCESSING);

    clock.advance(Duration.ofMillis(1));
    JobId late = create();

    assertThat(state(late)).isEqualTo(JobState.ENQUEUED);
    assertThat(storage.leasedTo("a")).extracting(l -> l.lease().jobId()).containsExactly(handed);
  }

  @Test
  void listenersRunOutsideTheLockAndOneFailingListenerDoesNotStopOthers() throws Exception {
    List<String> heard = new CopyOnWriteArrayList<>();
    storage.subscribe(
        new StorageListener() {
          @Override
          public void jobsAvailable(String queue) {
            throw new IllegalStateException("listener bug");
          }
        });
    storage.subscribe(
        new StorageListener() {
          @Override
          public void jobsAvailable(String queue) {
            // another thread must get the lock while we are being called
            CompletableFuture.runAsync(() -> storage.countByState())
                .orTimeout(5, TimeUnit.SECONDS)
                .join();
            heard.add(queue);
          }
        });

    create();

    assertThat(heard).containsExactly("default");
  }

  @Test
  void finishedAndPurgedJobsLeaveNoKeysBehind() {
    Permit rate = Permit.rateSliding("r", 100, Duration.ofSeconds(1));
    for (int i = 0; i < 50; i++) {
      create(Permit.mutex("m" + (i % 5)), rate);
    }
    for (int round = 0; round < 50; round++) {
      for (LeasedJob l : claim()) {
        storage.finish(l.lease(), "w", new RunOutcome.Succeeded(Duration.ofSeconds(1), "ok"));
      }
    }
    assertThat(storage.countByState().get(JobState.SUCCEEDED)).isEqualTo(50);
    clock.advance(Duration.ofSeconds(2));
    storage.promoteDue(10);
    assertThat(storage.purgeExpired(1000)).isEqualTo(50);
    assertThat(storage.concurrencyKeys()).isEmpty();
    assertThat(storage.countByState().values()).containsOnly(0L);
    assertThat(storage.queues()).isEmpty();
  }
}
