package dev.baton.storage.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.JobSpec;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.NewJob;
import dev.baton.storage.RunOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A Redis with AOF (appendfsync always) is killed with SIGKILL and restarted while a producer
 * creates jobs and a worker claims and finishes them through the same storage client. The client
 * reconnects by itself; every job whose creation was acknowledged ends SUCCEEDED, finished once.
 */
class RedisRestartTest {
  private static final int PORT = 7111;
  private final RedisServerProcess redis =
      new RedisServerProcess(
          PORT,
          Path.of("target", "redis-restart"),
          List.of("--appendonly", "yes", "--appendfsync", "always"));

  @AfterEach
  void stop() {
    redis.stop();
  }

  @Test
  void nothingAcknowledgedIsLostAcrossAKillAndRestart() throws Exception {
    assumeTrue(RedisServerProcess.installed(), "redis-server is not installed");
    redis.stop();
    deleteDir(Path.of("target", "redis-restart"));
    redis.start();
    Set<JobId> acknowledged = ConcurrentHashMap.newKeySet();
    Map<JobId, Integer> finished = new ConcurrentHashMap<>();
    AtomicBoolean producing = new AtomicBoolean(true);
    try (RedisStorage storage =
        RedisStorage.builder()
            .uri(redis.uri())
            .namespace("restart")
            .commandTimeout(Duration.ofSeconds(2))
            .build()) {
      Thread producer =
          new Thread(
              () -> {
                for (int i = 0; i < 1500 && producing.get(); i++) {
                  JobSpec spec =
                      new JobSpec(
                          JobId.newId(), "t", "default", "{}", "{}", 1, null, null, null, null);
                  while (producing.get()) {
                    try {
                      storage.create(List.of(NewJob.now(spec, "load")));
                      acknowledged.add(spec.id());
                      break;
                    } catch (RuntimeException e) {
                      pause(); // Redis is down: retry the same id (a retry after success is a
                      // duplicate)
                    }
                  }
                }
              });
      Thread worker =
          new Thread(
              () -> {
                while (producing.get() || finished.size() < acknowledged.size()) {
                  try {
                    List<LeasedJob> jobs = storage.claim("s1", List.of("default"), 50);
                    for (LeasedJob j : jobs) {
                      while (true) {
                        try {
                          boolean applied =
                              storage.finish(
                                  j.lease(),
                                  "w",
                                  new RunOutcome.Succeeded(Duration.ofHours(1), "ok"));
                          // A retried finish whose first try was applied (its reply lost in the
                          // crash) answers false: the job is then already SUCCEEDED.
                          if (applied
                              || storage
                                  .find(j.spec().id())
                                  .map(r -> r.state() == JobState.SUCCEEDED)
                                  .orElse(false)) {
                            finished.merge(j.spec().id(), 1, Integer::sum);
                          }
                          break;
                        } catch (RuntimeException e) {
                          pause();
                        }
                      }
                    }
                    if (jobs.isEmpty()) {
                      pause();
                    }
                  } catch (RuntimeException e) {
                    pause();
                  }
                }
              });
      producer.start();
      worker.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() > 300);
      redis.kill9();
      Thread.sleep(300);
      redis.start();
      producer.join(60_000);
      producing.set(false);
      // A claim whose reply was lost in the crash left a job PROCESSING under s1 unknown to the
      // worker: releasing the server's leases hands it back, as a restart of that server would.
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                storage.deregister("s1", "worker lost a reply");
                return finished.keySet().containsAll(acknowledged);
              });
      worker.join(10_000);
      for (JobId id : acknowledged) {
        assertThat(storage.find(id)).map(r -> r.state()).contains(JobState.SUCCEEDED);
      }
      assertThat(finished.values()).allMatch(n -> n == 1);
      assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(1500);
    }
  }

  private static void pause() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void deleteDir(Path dir) throws java.io.IOException {
    if (!java.nio.file.Files.exists(dir)) {
      return;
    }
    try (var walk = java.nio.file.Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
