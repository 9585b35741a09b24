package dev.baton.concurrency;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Argument checks only; the lock behaviour runs against real storages in the TCK. */
class BatonLocksTest {
  @Test
  void namesAreValidatedWithClearMessages() {
    assertThatThrownBy(() -> BatonLocks.checkName("")).hasMessage("lock name must not be empty");
    assertThatThrownBy(() -> BatonLocks.checkName(null)).hasMessage("lock name must not be empty");
    assertThatThrownBy(() -> BatonLocks.checkName("x".repeat(256)))
        .hasMessageStartingWith("lock name must be at most 255 characters, got 256");
    assertThatThrownBy(() -> BatonLocks.checkName(" report"))
        .hasMessage("lock name must not start or end with whitespace, got ' report'");
    assertThatThrownBy(() -> BatonLocks.checkName("a\nb"))
        .hasMessage("lock name must not contain control characters, got 'a?b'");
    BatonLocks.checkName("nightly-report:eu/2026 11");
  }

  @Test
  void durationsAreValidated() {
    assertThatThrownBy(() -> BatonLocks.checkDurations("r", Duration.ZERO, Duration.ZERO))
        .hasMessage("lock 'r': atMost must be positive, got PT0S");
    assertThatThrownBy(
            () -> BatonLocks.checkDurations("r", Duration.ofSeconds(1), Duration.ofSeconds(-1)))
        .hasMessageContaining("atLeast must be zero or positive");
    assertThatThrownBy(
            () -> BatonLocks.checkDurations("r", Duration.ofSeconds(1), Duration.ofSeconds(2)))
        .hasMessage("lock 'r': atLeast (PT2S) must not exceed atMost (PT1S)");
  }

  @Test
  void ownerMustBeNamed() {
    assertThatThrownBy(() -> new BatonLocks(null, "x")).isInstanceOf(NullPointerException.class);
  }
}
