package dev.baton.storage.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.baton.BatonException;
import dev.baton.job.JobId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A Redis that stops answering (SIGSTOP) fails a call the way the JDBC storage words an outage: a
 * {@link BatonException} naming the storage (URI with its DB index, namespace), the operation, the
 * cause and whether to retry, after the command timeout, not a raw Lettuce exception.
 */
class RedisOutageMessageTest {
  private static final int PORT = 7114;
  private final RedisServerProcess redis =
      new RedisServerProcess(PORT, Path.of("target", "redis-outage-message"), List.of());

  @AfterEach
  void stop() throws Exception {
    try {
      redis.pause(false);
    } catch (Exception e) {
      // not started
    }
    redis.stop();
  }

  @Test
  void aCallRedisDoesNotAnswerSaysWhatFailedAndThatItMayBeRetried() throws Exception {
    assumeTrue(RedisServerProcess.installed(), "redis-server is not installed");
    redis.stop();
    redis.start();
    try (RedisStorage storage =
        RedisStorage.builder()
            .uri(redis.uri() + "/3")
            .namespace("outage")
            .commandTimeout(Duration.ofSeconds(1))
            .build()) {
      assertThat(storage.find(JobId.newId())).isEmpty();
      redis.pause(true);
      long start = System.nanoTime();
      assertThatThrownBy(() -> storage.find(JobId.newId()))
          .isInstanceOf(BatonException.class)
          .hasMessageContaining(
              "Redis storage at redis://127.0.0.1:" + PORT + "/3, namespace outage")
          .hasMessageContaining("find failed, Redis cannot be reached")
          .hasMessageContaining("may be retried");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      redis.pause(false);
      assertThat(storage.find(JobId.newId())).as("answers again").isEmpty();
    }
  }
}
