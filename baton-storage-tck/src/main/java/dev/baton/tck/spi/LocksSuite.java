package dev.baton.tck.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.storage.JobStorage;
import dev.baton.storage.LockLease;
import dev.baton.storage.LockStorage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link LockStorage}: exclusion, expiry, extension, release, fencing tokens. */
public abstract class LocksSuite extends SpiSuite {
  private static final Duration LONG = Duration.ofMinutes(5);

  @Test
  void aHeldLockExcludesOthersButNotOtherNames() {
    Instant before = storage().now();
    LockLease lease = locks().tryLock("nightly", "alice", LONG).orElseThrow();

    assertThat(lease.name()).isEqualTo("nightly");
    assertThat(lease.owner()).isEqualTo("alice");
    assertThat(lease.acquiredAt()).isBetween(before.minus(SLACK), storage().now().plus(SLACK));
    assertThat(lease.until()).isEqualTo(lease.acquiredAt().plus(LONG));
    assertThat(locks().tryLock("nightly", "bob", LONG)).isEmpty();
    assertThat(locks().tryLock("nightly", "alice", LONG)).isEmpty();
    assertThat(locks().tryLock("hourly", "bob", LONG)).isPresent();
  }

  @Test
  void anExpiredLockCanBeTakenWithALargerToken() {
    LockLease first = locks().tryLock("l", "alice", Duration.ofMillis(150)).orElseThrow();

    LockLease second =
        eventually().until(() -> locks().tryLock("l", "bob", LONG), Optional::isPresent).get();

    assertThat(second.token()).isGreaterThan(first.token());
    assertThat(locks().extendLock("l", first.token(), LONG)).isEmpty();
    assertThat(locks().unlock("l", first.token(), Duration.ZERO)).isFalse();
  }

  @Test
  void extendMovesTheExpiryOfTheCurrentHolder() {
    LockLease lease = locks().tryLock("l", "alice", Duration.ofSeconds(1)).orElseThrow();

    LockLease extended = locks().extendLock("l", lease.token(), LONG).orElseThrow();

    assertThat(extended.token()).isEqualTo(lease.token());
    assertThat(extended.owner()).isEqualTo("alice");
    assertThat(extended.until()).isAfter(lease.until());
    assertThat(locks().extendLock("l", lease.token() + 1, LONG)).isEmpty();
    assertThat(locks().extendLock("other", lease.token(), LONG)).isEmpty();
  }

  @Test
  void unlockFreesTheLockAndTokensKeepGrowing() {
    List<Long> tokens = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      LockLease lease = locks().tryLock("l", "owner-" + i, LONG).orElseThrow();
      tokens.add(lease.token());
      assertThat(locks().unlock("l", lease.token(), Duration.ZERO)).isTrue();
      assertThat(locks().unlock("l", lease.token(), Duration.ZERO)).isFalse();
      assertThat(locks().extendLock("l", lease.token(), LONG)).isEmpty();
    }
    assertThat(tokens).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void unlockWithAtLeastKeepsTheLockUntilThen() {
    LockLease lease = locks().tryLock("l", "alice", LONG).orElseThrow();

    assertThat(locks().unlock("l", lease.token(), Duration.ofMillis(300))).isTrue();

    assertThat(locks().tryLock("l", "bob", LONG)).isEmpty();
    eventually().until(() -> locks().tryLock("l", "bob", LONG).isPresent());
  }

  @Test
  void concurrentTryLockHasExactlyOneWinner() throws Exception {
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Optional<LockLease>>> results = new ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        JobStorage client = client(i);
        assertThat(client).isInstanceOf(LockStorage.class);
        String owner = "owner-" + i;
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return ((LockStorage) client).tryLock("race", owner, LONG);
                }));
      }
      locks();
      start.countDown();
      int winners = 0;
      for (Future<Optional<LockLease>> f : results) {
        winners += f.get(30, TimeUnit.SECONDS).isPresent() ? 1 : 0;
      }
      assertThat(winners).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void monitorListsHeldLocksOnly() {
    LockLease held = locks().tryLock("held", "alice", LONG).orElseThrow();
    LockLease released = locks().tryLock("released", "bob", LONG).orElseThrow();
    locks().unlock("released", released.token(), Duration.ZERO);

    assertThat(monitor().locks()).extracting(LockLease::name).containsExactly("held");
    assertThat(monitor().locks().get(0).token()).isEqualTo(held.token());
  }
}
