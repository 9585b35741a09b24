package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatonServerConfigTest {

  @Test
  void defaultsAreTheNamedConstants() {
    BatonServerConfig c = BatonServerConfig.defaults();
    assertThat(c.queues()).containsExactly("default");
    assertThat(c.workers()).isEqualTo(BatonServerConfig.DEFAULT_WORKERS).isGreaterThanOrEqualTo(4);
    assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.serverTimeout()).isEqualTo(Duration.ofSeconds(8));
    assertThat(c.shutdownGrace()).isEqualTo(Duration.ofSeconds(15));
    assertThat(c.pollInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.retention()).isEqualTo(Duration.ofDays(1));
    assertThat(c.rescueInterval()).isEqualTo(Duration.ofSeconds(1));
    // a killed server's jobs run elsewhere within timeout + rescue interval: 9 s by default
    assertThat(c.serverTimeout().plus(c.rescueInterval()))
        .isLessThanOrEqualTo(Duration.ofSeconds(9));
    assertThat(c.interruptOnCancel()).isFalse();
    assertThat(c.serverId()).matches("[A-Za-z0-9.-]+-\\d+-[0-9a-f]{5}");
  }

  @Test
  void failedJobsAreKeptUnlessAFailedRetentionIsSet() {
    assertThat(BatonServerConfig.defaults().failedRetention()).isEmpty();
    assertThat(BatonServerConfig.defaults().toString()).contains("failedRetention=forever");
    BatonServerConfig c = BatonServerConfig.builder().failedRetention(Duration.ofDays(30)).build();
    assertThat(c.failedRetention()).contains(Duration.ofDays(30));
    assertThat(BatonServerConfig.builder().failedRetention(null).build().failedRetention())
        .isEmpty();
    assertThatThrownBy(() -> BatonServerConfig.builder().failedRetention(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("failedRetention must be positive, or null to keep failed jobs, got PT0S");
    assertThatThrownBy(() -> BatonServerConfig.builder().failedRetention(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void twoDefaultServersGetDifferentIds() {
    assertThat(BatonServerConfig.defaults().serverId())
        .isNotEqualTo(BatonServerConfig.defaults().serverId());
  }

  @Test
  void keepsWhatWasSetAndPrintsIt() {
    BatonServerConfig c =
        BatonServerConfig.builder()
            .serverId("node-1")
            .queues("critical", "default")
            .workers(3)
            .heartbeatInterval(Duration.ofMillis(100))
            .serverTimeout(Duration.ofSeconds(1))
            .build();
    assertThat(c.queues()).containsExactly("critical", "default");
    assertThat(c.rescueInterval()).isEqualTo(Duration.ofMillis(100));
    assertThat(c.toString())
        .contains("serverId=node-1", "queues=[critical, default]", "workers=3", "PT0.1S");
  }

  @Test
  void serverTimeoutMustBeAtLeastThreeHeartbeats() {
    assertThatThrownBy(
            () ->
                BatonServerConfig.builder()
                    .heartbeatInterval(Duration.ofSeconds(5))
                    .serverTimeout(Duration.ofSeconds(14))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "invalid server configuration: serverTimeout must be at least 3 times"
                + " heartbeatInterval (PT5S; lower heartbeatInterval or raise serverTimeout),"
                + " got PT14S");
    assertThat(
            BatonServerConfig.builder()
                .heartbeatInterval(Duration.ofSeconds(5))
                .serverTimeout(Duration.ofSeconds(15))
                .build()
                .selfFenceAfter())
        .as("at least two heartbeat intervals")
        .isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void serverTimeoutHasAFloor() {
    assertThatThrownBy(
            () ->
                BatonServerConfig.builder()
                    .heartbeatInterval(Duration.ofMillis(100))
                    .serverTimeout(Duration.ofMillis(250))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "invalid server configuration: serverTimeout must be at least PT1S, got PT0.25S");
  }

  @Test
  void theSelfFenceMarginIsAHeartbeatOrAQuarterOfTheTimeout() {
    BatonServerConfig defaults = BatonServerConfig.defaults();
    assertThat(defaults.selfFenceMargin()).isEqualTo(Duration.ofSeconds(2));
    assertThat(defaults.selfFenceAfter()).isEqualTo(Duration.ofSeconds(6));
    BatonServerConfig fast =
        BatonServerConfig.builder()
            .heartbeatInterval(Duration.ofMillis(100))
            .serverTimeout(Duration.ofSeconds(1))
            .build();
    assertThat(fast.selfFenceMargin()).isEqualTo(Duration.ofMillis(250));
    assertThat(fast.selfFenceAfter()).isEqualTo(Duration.ofMillis(750));
    BatonServerConfig slowBeat =
        BatonServerConfig.builder()
            .heartbeatInterval(Duration.ofSeconds(3))
            .serverTimeout(Duration.ofSeconds(9))
            .build();
    assertThat(slowBeat.selfFenceMargin()).isEqualTo(Duration.ofSeconds(3));
    assertThat(slowBeat.selfFenceAfter()).isEqualTo(Duration.ofSeconds(6));
  }

  @Test
  void messagesNameTheFieldAndTheValue() {
    assertInvalid(BatonServerConfig.builder().workers(0), "workers", "got 0");
    assertInvalid(BatonServerConfig.builder().queues(List.of()), "queues", "got []");
    assertInvalid(BatonServerConfig.builder().queues("Bad Queue"), "queues", "'Bad Queue'");
    assertInvalid(BatonServerConfig.builder().queues("a", "a"), "queues", "each queue once");
    assertInvalid(
        BatonServerConfig.builder().pollInterval(Duration.ZERO), "pollInterval", "got PT0S");
    assertInvalid(
        BatonServerConfig.builder().heartbeatInterval(null), "heartbeatInterval", "got null");
    assertInvalid(
        BatonServerConfig.builder().shutdownGrace(Duration.ofSeconds(-1)),
        "shutdownGrace",
        "got PT-1S");
    assertInvalid(BatonServerConfig.builder().claimBatchSize(0), "claimBatchSize", "got 0");
    assertInvalid(BatonServerConfig.builder().serverId("has space"), "serverId", "'has space'");
    assertInvalid(
        BatonServerConfig.builder().retention(Duration.ofMillis(-5)), "retention", "PT-0.005S");
  }

  @Test
  void zeroShutdownGraceIsAllowed() {
    assertThat(BatonServerConfig.builder().shutdownGrace(Duration.ZERO).build().shutdownGrace())
        .isZero();
  }

  private static void assertInvalid(BatonServerConfig.Builder b, String field, String value) {
    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid server configuration: " + field + " must be")
        .hasMessageContaining(value);
  }
}
