package dev.baton.storage.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The longest call is the command timeout, 4 s by default: half the default server timeout. */
class RedisCallTimeoutsTest {
  @Test
  void theLongestCallIsTheCommandTimeout() {
    try (RedisStorage defaults = RedisStorage.builder().namespace("tck-timeouts").build();
        RedisStorage shorter =
            RedisStorage.builder()
                .namespace("tck-timeouts")
                .commandTimeout(Duration.ofMillis(700))
                .build()) {
      assertThat(defaults.longestCall()).isEqualTo(Duration.ofSeconds(4));
      assertThat(shorter.longestCall()).isEqualTo(Duration.ofMillis(700));
    }
  }
}
