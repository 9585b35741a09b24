package dev.baton.tck.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.concurrency.BatonLocks;
import dev.baton.concurrency.LockHandle;
import dev.baton.storage.JobStorage;
import dev.baton.storage.LockStorage;
import dev.baton.tck.TckSuite;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link BatonLocks} on the storage under test: exclusion, expiry, atLeast, fencing tokens. */
public abstract class LockApiSuite extends TckSuite {
  private static final Duration LONG = Duration.ofSeconds(30);

  private BatonLocks locks(String owner) {
    return locks(storage(), owner);
  }

  static BatonLocks locks(JobStorage storage, String owner) {
    assertThat(storage)
        .as("a storage must implement LockStorage for the lock API")
        .isInstanceOf(LockStorage.class);
    return dev.baton.client.BatonClient.create(storage).locks(owner);
  }

  @Test
  void aHeldLockIsRefusedAndFreeAgainAfterRelease() {
    BatonLocks a = locks("a");
    BatonLocks b = locks("b");
    LockHandle held = a.tryLock("report", LONG).orElseThrow();
    assertThat(held.owner()).isEqualTo("a");
    assertThat(held.until()).isAfter(held.acquiredAt());
    assertThat(b.tryLock("report", LONG)).isEmpty();
    assertThat(b.tryLock("other", LONG)).isPresent();
    assertThat(held.release()).isTrue();
    assertThat(held.release()).isFalse();
    assertThat(b.tryLock("report", LONG)).isPresent();
  }

  @Test
  void tokensStrictlyIncreaseAcrossReleaseAndExpiry() {
    BatonLocks a = locks("a");
    List<Long> tokens = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      try (LockHandle h = a.tryLock("t", LONG).orElseThrow()) {
        tokens.add(h.token());
      }
    }
    tokens.add(a.tryLock("t", Duration.ofMillis(100)).orElseThrow().token());
    Optional<LockHandle> afterExpiry =
        await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> a.tryLock("t", LONG), Optional::isPresent);
    tokens.add(afterExpiry.get().token());
    assertThat(tokens).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void anExpiredLockCanBeTakenAndItsOldHolderLearnsItLostIt() {
    LockHandle old = locks("a").tryLock("exp", Duration.ofMillis(150)).orElseThrow();
    BatonLocks b = locks("b");
    LockHandle taken =
        await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> b.tryLock("exp", LONG), Optional::isPresent)
            .get();
    assertThat(taken.token()).isGreaterThan(old.token());
    assertThat(old.extend(LONG)).isFalse();
    assertThat(old.release()).isFalse();
    assertThat(locks("c").tryLock("exp", LONG)).as("still held by b").isEmpty();
  }

  @Test
  void extendMovesTheExpiry() {
    LockHandle h = locks("a").tryLock("ext", Duration.ofMillis(300)).orElseThrow();
    var before = h.until();
    assertThat(h.extend(Duration.ofSeconds(30))).isTrue();
    assertThat(h.until()).isAfter(before);
    // Past the original atMost, it is still held.
    await().pollDelay(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2)).until(() -> true);
    assertThat(locks("b").tryLock("ext", LONG)).isEmpty();
  }

  @Test
  void releaseHonoursAtLeast() {
    LockHandle h = locks("a").tryLock("least", LONG, Duration.ofSeconds(1)).orElseThrow();
    h.close();
    BatonLocks b = locks("b");
    assertThat(b.tryLock("least", LONG)).as("held for atLeast after acquisition").isEmpty();
    await().atMost(Duration.ofSeconds(5)).until(() -> b.tryLock("least", LONG).isPresent());
  }

  @Test
  void runExclusivelyRunsOnlyWhenFreeAndReleasesOnError() {
    BatonLocks a = locks("a");
    AtomicInteger ran = new AtomicInteger();
    assertThat(a.runExclusively("job", LONG, ran::incrementAndGet)).isTrue();
    LockHandle held = a.tryLock("job", LONG).orElseThrow();
    assertThat(a.runExclusively("job", LONG, ran::incrementAndGet)).isFalse();
    held.release();
    assertThatThrownBy(
            () ->
                a.runExclusively(
                    "job",
                    LONG,
                    () -> {
                      throw new IllegalStateException("boom");
                    }))
        .hasMessage("boom");
    assertThat(a.runExclusively("job", LONG, ran::incrementAndGet)).isTrue();
    assertThat(ran).hasValue(2);
  }

  @Test
  void excludesAcrossThreadsAndClients() throws Exception {
    int threads = 6;
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger maxInside = new AtomicInteger();
    AtomicInteger ran = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        BatonLocks mine = locks(fixture().newStorage(), "node-" + t);
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 40; i++) {
                    mine.runExclusively(
                        "shared",
                        LONG,
                        () -> {
                          maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                          Thread.yield();
                          inside.decrementAndGet();
                          ran.incrementAndGet();
                        });
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(maxInside).hasValue(1);
    assertThat(ran.get()).isPositive();
  }

  @Test
  void badNamesAreRejectedBeforeTheStorage() {
    assertThatThrownBy(() -> locks("a").tryLock(" x", LONG))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("whitespace");
  }
}
