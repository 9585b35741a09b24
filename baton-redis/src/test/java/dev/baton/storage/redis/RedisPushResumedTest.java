package dev.baton.storage.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.JobSpec;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.NewJob;
import dev.baton.storage.StorageListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A Redis on port 7122 is killed with SIGKILL and restarted: once Lettuce has reconnected and
 * subscribed again, listeners hear {@code pushResumed} (and not before: the first subscription is
 * no resumption), and hand-overs are pushed to them again.
 */
class RedisPushResumedTest {
  private final RedisServerProcess redis =
      new RedisServerProcess(
          7122, Path.of("target", "redis-resume"), List.of("--appendonly", "no"));

  @AfterEach
  void stop() {
    redis.stop();
  }

  @Test
  void listenersHearPushResumedAfterAReconnectAndHandOversArriveAgain() throws Exception {
    assumeTrue(RedisServerProcess.installed(), "redis-server is not installed");
    redis.stop();
    redis.start();
    AtomicInteger resumed = new AtomicInteger();
    List<LeasedJob> handedOver = new CopyOnWriteArrayList<>();
    try (RedisStorage storage =
        RedisStorage.builder()
            .uri(redis.uri())
            .namespace("resume")
            .commandTimeout(Duration.ofSeconds(2))
            .build()) {
      storage.subscribe(
          new StorageListener() {
            @Override
            public void jobHandedOver(LeasedJob job) {
              handedOver.add(job);
            }

            @Override
            public void pushResumed() {
              resumed.incrementAndGet();
            }
          });
      handOverOne(storage);
      await().atMost(Duration.ofSeconds(5)).until(() -> handedOver.size() == 1);
      assertThat(resumed).hasValue(0);

      redis.kill9();
      redis.start();

      await().atMost(Duration.ofSeconds(30)).until(() -> resumed.get() == 1);
      // Redis lost everything (no persistence); the subscription is back all the same.
      await()
          .atMost(Duration.ofSeconds(10))
          .ignoreExceptions()
          .until(
              () -> {
                handOverOne(storage);
                return true;
              });
      await().atMost(Duration.ofSeconds(5)).until(() -> handedOver.size() == 2);
      assertThat(resumed).hasValue(1);
    }
  }

  private static void handOverOne(RedisStorage storage) {
    storage.claimOrOffer("s1", List.of("default"), 1, Duration.ofSeconds(30));
    JobSpec spec =
        new JobSpec(JobId.newId(), "t", "default", "{}", "{}", 1, null, null, null, null);
    assertThat(storage.create(List.of(NewJob.now(spec, "new"))).get(0).state())
        .isEqualTo(JobState.PROCESSING);
  }
}
