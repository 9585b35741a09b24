package dev.baton.storage.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.baton.client.BatonClient;
import dev.baton.client.JobView;
import dev.baton.job.JobId;
import dev.baton.server.BatonServer;
import dev.baton.state.JobState;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Redis loses its last writes: it is killed with SIGKILL and restarts from a snapshot taken a
 * second earlier ({@code SAVE}, no AOF), as a machine running Redis with RDB snapshots only, or a
 * failover to a lagging replica, would. Jobs that finished after the snapshot are PROCESSING again
 * under the live server, which ran them (claimed or handed over), and jobs it claimed are ENQUEUED
 * again. Every job the snapshot kept must end SUCCEEDED, running again where its outcome was lost
 * (at-least-once); none may be left PROCESSING under a server that does not run it. Its own Redis
 * on port 7151.
 */
class RedisRollbackTest {
  private static final int PORT = 7151;
  private static final Path DIR = Path.of("target", "redis-rollback");
  private static final long JOB_MILLIS = 20;
  private static final long ENQUEUE_GAP_MILLIS = 8; // workers keep up: most jobs are handed over

  private final RedisServerProcess redis =
      new RedisServerProcess(PORT, DIR, List.of("--appendonly", "no"));

  @AfterEach
  void stop() {
    redis.stop();
  }

  @Test
  void everyJobTheSnapshotKeptSucceedsAndNoneIsLeftBehind() throws Exception {
    assumeTrue(RedisServerProcess.installed(), "redis-server is not installed");
    redis.stop();
    deleteDir(DIR);
    redis.start();
    List<JobId> beforeSnapshot = Collections.synchronizedList(new ArrayList<>());
    List<JobId> afterSnapshot = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean snapshotTaken = new AtomicBoolean();
    AtomicBoolean producing = new AtomicBoolean(true);
    try (RedisStorage clientStorage = storage();
        RedisStorage serverStorage = storage();
        RedisClient admin = RedisClient.create(redis.uri())) {
      CountingServer counting = new CountingServer(serverStorage, "rollback", JOB_MILLIS);
      BatonServer server = counting.server;
      Map<Integer, AtomicInteger> runs = counting.runs;
      try {
        BatonClient client = BatonClient.create(clientStorage);
        Thread producer =
            new Thread(
                () -> {
                  for (int i = 0; producing.get(); i++) {
                    try {
                      JobId id =
                          client
                              .enqueue(CountingServer.NUMBERED, new CountingServer.Numbered(i))
                              .id();
                      (snapshotTaken.get() ? afterSnapshot : beforeSnapshot).add(id);
                      Thread.sleep(ENQUEUE_GAP_MILLIS);
                    } catch (InterruptedException e) {
                      return;
                    } catch (RuntimeException e) {
                      sleepQuietly(); // Redis is down: this one is given up, the next one tried
                    }
                  }
                });
        producer.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> runs.size() >= 50);
        try (StatefulRedisConnection<String, String> c = admin.connect()) {
          // Set first: a create acknowledged before it is surely in the snapshot.
          snapshotTaken.set(true);
          assertThat(c.sync().save()).isEqualTo("OK");
        }
        int ranAtSnapshot = runs.size();
        await().atMost(Duration.ofSeconds(30)).until(() -> runs.size() >= ranAtSnapshot + 50);
        int ranAtKill = runs.size();
        redis.kill9();
        redis.start(); // from the snapshot: what was written since is gone
        Thread.sleep(500); // a few jobs after the restart too
        producing.set(false);
        producer.join(10_000);

        // Jobs the snapshot kept, and jobs created after it (those acknowledged before the kill
        // may be gone with it; none may be stuck).
        await("every job the snapshot kept SUCCEEDED; none created later stuck")
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(200))
            .ignoreExceptions()
            .until(() -> stragglers(client, beforeSnapshot, afterSnapshot), List::isEmpty);
        long again = counting.ranAgain();
        System.out.printf(
            "rollback: %d jobs had started at the snapshot, %d at the kill; %d ran again after"
                + " the restart (their outcome was lost with the writes after the snapshot)%n",
            ranAtSnapshot, ranAtKill, again);
        assertThat(again).as("jobs whose outcome the rollback lost, run again").isPositive();
      } finally {
        producing.set(false);
        server.close();
      }
    }
  }

  /** Jobs not (yet) where they must end: SUCCEEDED, or gone if created after the snapshot. */
  private static List<String> stragglers(
      BatonClient client, List<JobId> beforeSnapshot, List<JobId> afterSnapshot) {
    List<String> out = new ArrayList<>();
    for (JobId id : List.copyOf(beforeSnapshot)) {
      JobState s = state(client, id);
      if (s != JobState.SUCCEEDED) {
        out.add(id + " (before the snapshot): " + s);
      }
    }
    for (JobId id : List.copyOf(afterSnapshot)) {
      JobState s = state(client, id);
      if (s != null && s != JobState.SUCCEEDED) {
        out.add(id + " (after the snapshot): " + s);
      }
    }
    return out;
  }

  private static JobState state(BatonClient client, JobId id) {
    return client.find(id).map(JobView::state).orElse(null);
  }

  private RedisStorage storage() {
    return RedisStorage.builder()
        .uri(redis.uri())
        .namespace("rollback")
        .commandTimeout(Duration.ofSeconds(1))
        .build();
  }

  private static void sleepQuietly() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void deleteDir(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
