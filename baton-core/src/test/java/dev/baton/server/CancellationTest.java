package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CancellationTest {
  private final Cancellation token = new Cancellation();

  @Test
  void firesOnceWithTheFirstCauseAndReason() {
    assertThat(token.isRequested()).isFalse();
    assertThat(token.fire(Cancellation.Cause.SHUTDOWN, "stopping")).isTrue();
    assertThat(token.fire(Cancellation.Cause.LEASE_LOST, "later")).isFalse();
    assertThat(token.isRequested()).isTrue();
    assertThat(token.cause()).isEqualTo(Cancellation.Cause.SHUTDOWN);
    assertThat(token.reason()).isEqualTo("stopping");
  }

  @Test
  void callbacksRunOnFireAndAtOnceWhenRegisteredLate() {
    List<String> calls = new ArrayList<>();
    token.onCancel(() -> calls.add("early"));
    token.onCancel(
        () -> {
          throw new IllegalStateException("a broken callback does not stop the others");
        });
    token.onCancel(() -> calls.add("second"));
    assertThat(calls).isEmpty();
    token.fire(Cancellation.Cause.LEASE_LOST, "revoked");
    assertThat(calls).containsExactly("early", "second");
    token.onCancel(() -> calls.add("late"));
    assertThat(calls).containsExactly("early", "second", "late");
  }

  @Test
  void interruptsTheRegisteredThreadOnlyWhileRegistered() throws Exception {
    token.interruptOnFire(Thread.currentThread());
    token.fire(Cancellation.Cause.LEASE_LOST, "revoked");
    assertThat(Thread.interrupted()).isTrue();

    Cancellation other = new Cancellation();
    other.interruptOnFire(Thread.currentThread());
    other.interruptOnFire(null);
    other.fire(Cancellation.Cause.SHUTDOWN, "stopping");
    assertThat(Thread.interrupted()).isFalse();
  }
}
