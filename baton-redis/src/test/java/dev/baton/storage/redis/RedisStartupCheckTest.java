package dev.baton.storage.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.baton.BatonException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad input at start fails fast, with a message that says what to fix. */
class RedisStartupCheckTest {

  @Test
  void nothingListening() {
    assertThatThrownBy(
            () ->
                RedisStorage.builder()
                    .uri("redis://127.0.0.1:1")
                    .commandTimeout(Duration.ofSeconds(2))
                    .build())
        .isInstanceOf(BatonException.class)
        .hasMessageContaining("cannot connect to Redis at redis://127.0.0.1:1");
  }

  @Test
  void malformedUriAndNamespace() {
    assertThatThrownBy(() -> RedisStorage.builder().uri("http://x y").build())
        .isInstanceOf(BatonException.class)
        .hasMessageContaining("Redis URI");
    assertThatThrownBy(() -> RedisStorage.builder().namespace("a{b}").build())
        .isInstanceOf(BatonException.class)
        .hasMessageContaining("namespace");
  }

  @Test
  void sentinelWithoutSentinelsOrWithCluster() {
    assertThatThrownBy(
            () ->
                RedisStorage.builder()
                    .uri("redis-sentinel://127.0.0.1:1#baton")
                    .commandTimeout(Duration.ofSeconds(2))
                    .build())
        .isInstanceOf(BatonException.class)
        .hasMessageContaining("redis-sentinel://127.0.0.1:1#baton");
    assertThatThrownBy(
            () ->
                RedisStorage.builder()
                    .uri("redis-sentinel://127.0.0.1:26379#baton")
                    .cluster(true)
                    .build())
        .isInstanceOf(BatonException.class)
        .hasMessageContaining("not reached through Sentinel");
    assertThatThrownBy(
            () -> RedisStorage.builder().maxReconnectDelay(Duration.ofNanos(500)).build())
        .isInstanceOf(BatonException.class)
        .hasMessageContaining("maxReconnectDelay must be at least 1 ms");
  }

  @Test
  void wrongPassword() throws Exception {
    assumeTrue(RedisServerProcess.installed(), "redis-server is not installed");
    RedisServerProcess redis =
        new RedisServerProcess(
            7112, Path.of("target", "redis-auth"), List.of("--requirepass", "s3cret"));
    redis.stop();
    redis.start("-a", "s3cret");
    try {
      assertThatThrownBy(() -> RedisStorage.builder().uri("redis://:wrong@127.0.0.1:7112").build())
          .isInstanceOf(BatonException.class)
          .hasMessageContaining("refused authentication");
      assertThatThrownBy(() -> RedisStorage.builder().uri("redis://127.0.0.1:7112").build())
          .isInstanceOf(BatonException.class)
          .hasMessageContaining("authentication");
      RedisStorage.builder().uri("redis://:s3cret@127.0.0.1:7112").build().close();
    } finally {
      redis.stop("-a", "s3cret");
    }
  }

  @Test
  void noLuaScripting() throws Exception {
    assumeTrue(RedisServerProcess.installed(), "redis-server is not installed");
    RedisServerProcess redis =
        new RedisServerProcess(
            7113,
            Path.of("target", "redis-nolua"),
            List.of(
                "--rename-command",
                "EVAL",
                "",
                "--rename-command",
                "EVALSHA",
                "",
                "--rename-command",
                "FUNCTION",
                "",
                "--rename-command",
                "FCALL",
                ""));
    redis.stop();
    redis.start();
    try {
      assertThatThrownBy(() -> RedisStorage.builder().uri("redis://127.0.0.1:7113").build())
          .isInstanceOf(BatonException.class)
          .hasMessageContaining("does not run Lua scripts");
    } finally {
      redis.stop();
    }
  }

  @Test
  void eitherWayOfRunningLuaIsEnough() throws Exception {
    assumeTrue(RedisServerProcess.installed(), "redis-server is not installed");
    worksWithout(7115, true, "EVAL", "EVALSHA");
    worksWithout(7116, false, "FCALL", "FCALL_RO");
  }

  /** A Redis with {@code commands} renamed away serves Baton, as functions or as scripts. */
  private static void worksWithout(int port, boolean asFunctions, String... commands)
      throws Exception {
    List<String> args = new java.util.ArrayList<>();
    for (String c : commands) {
      args.addAll(List.of("--rename-command", c, ""));
    }
    RedisServerProcess redis =
        new RedisServerProcess(port, Path.of("target", "redis-without-" + commands[0]), args);
    redis.stop();
    redis.start();
    try (RedisStorage s = RedisStorage.builder().uri("redis://127.0.0.1:" + port).build()) {
      assertThat(s.usesFunctions()).isEqualTo(asFunctions);
      assertThat(s.countByState()).isNotNull();
    } finally {
      redis.stop();
    }
  }

  @Test
  void noTimeInScripts() throws Exception {
    assumeTrue(RedisServerProcess.installed(), "redis-server is not installed");
    RedisServerProcess redis =
        new RedisServerProcess(
            7114, Path.of("target", "redis-notime"), List.of("--rename-command", "TIME", ""));
    redis.stop();
    redis.start();
    try {
      assertThatThrownBy(() -> RedisStorage.builder().uri("redis://127.0.0.1:7114").build())
          .isInstanceOf(BatonException.class)
          .hasMessageContaining("does not let scripts call TIME");
    } finally {
      redis.stop();
    }
  }
}
