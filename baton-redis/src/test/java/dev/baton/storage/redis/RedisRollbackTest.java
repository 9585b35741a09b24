package dev.baton.storage.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.baton.client.BatonClient;
import dev.baton.client.EnqueueResult;
import dev.baton.client.JobView;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.redis.CountingServer.Numbered;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
    // The producer's phase when a create was acknowledged: 0 before the snapshot (surely in
    // it), 1 after (may be gone with the rollback), 2 after the restart.
    AtomicInteger phase = new AtomicInteger();
    Map<JobId, Integer> numberOf = new ConcurrentHashMap<>();
    Map<JobId, Integer> phaseOf = new ConcurrentHashMap<>();
    AtomicBoolean producing = new AtomicBoolean(true);
    AtomicBoolean paused = new AtomicBoolean();
    try (RedisStorage clientStorage = storage();
        RedisStorage serverStorage = storage();
        RedisClient admin = RedisClient.create(redis.uri())) {
      CountingServer counting = new CountingServer(serverStorage, "rollback", JOB_MILLIS);
      Map<Integer, AtomicInteger> runs = counting.runs;
      try {
        BatonClient client = BatonClient.create(clientStorage);
        Thread producer =
            new Thread(
                () -> {
                  for (int i = 0; producing.get(); i++) {
                    try {
                      if (paused.get()) {
                        Thread.sleep(ENQUEUE_GAP_MILLIS);
                        continue;
                      }
                      int sentIn = phase.get();
                      JobId id = client.enqueue(CountingServer.NUMBERED, new Numbered(i)).id();
                      int answeredIn = phase.get();
                      numberOf.put(id, i);
                      phaseOf.put(id, answeredIn == 0 ? 0 : sentIn == 2 ? 2 : 1);
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

        // A long job, handed over to the idle server, runs across the snapshot: its outcome is
        // written after it, so the rollback surely loses it. (One that was claimed instead, on a
        // machine too slow to drain the queue in time, is let finish and another one tried.)
        paused.set(true);
        EnqueueResult longRun = null;
        int longNumber = 0;
        while (longRun == null || longRun.state() != JobState.PROCESSING) {
          assertThat(--longNumber).as("attempts to hand a long job over").isGreaterThan(-4);
          Thread.sleep(200); // the queue drains, the server offers its free workers again
          if (longRun != null) {
            JobId previous = longRun.id();
            await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> state(client, previous) == JobState.SUCCEEDED);
          }
          longRun = client.enqueue(CountingServer.NUMBERED, new Numbered(longNumber));
          numberOf.put(longRun.id(), longNumber);
          phaseOf.put(longRun.id(), 0);
        }
        JobId longJob = longRun.id();
        int longN = longNumber;
        await().atMost(Duration.ofSeconds(10)).until(() -> runs.containsKey(longN));
        Set<Integer> doneAtSnapshot = new HashSet<>();
        numberOf.forEach(
            (id, n) -> {
              if (state(client, id) == JobState.SUCCEEDED) {
                doneAtSnapshot.add(n);
              }
            });
        try (StatefulRedisConnection<String, String> c = admin.connect()) {
          phase.set(1); // first: a create acknowledged before this is surely in the snapshot
          assertThat(c.sync().save()).isEqualTo("OK");
        }
        paused.set(false);
        int ranAtSnapshot = runs.size();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    runs.size() >= ranAtSnapshot + 50
                        && state(client, longJob) == JobState.SUCCEEDED);
        redis.kill9();
        redis.start(); // from the snapshot: what was written since is gone
        phase.set(2);
        Thread.sleep(500); // a few jobs after the restart too
        producing.set(false);
        producer.join(10_000);

        await("every job the snapshot kept SUCCEEDED; none created later stuck")
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(200))
            .ignoreExceptions()
            .until(() -> stragglers(client, phaseOf, longJob), List::isEmpty);
        // The ledger: the long job ran again (its outcome was lost); a job whose outcome the
        // snapshot kept, or created after the restart, ran once; none ran more than twice.
        assertThat(runs.get(longN)).as("runs of the long job").hasValue(2);
        numberOf.forEach(
            (id, n) -> {
              int times = runs.containsKey(n) ? runs.get(n).get() : 0;
              if (n == longN) {
                return; // checked above
              }
              if (doneAtSnapshot.contains(n) || phaseOf.get(id) == 2) {
                assertThat(times).as("runs of job %d", n).isEqualTo(1);
              } else {
                assertThat(times).as("runs of job %d", n).isBetween(0, 2);
              }
            });
        System.out.printf(
            "rollback: %d jobs had started at the snapshot; %d ran again after the restart (their"
                + " outcome was lost with the writes after the snapshot)%n",
            ranAtSnapshot, counting.ranAgain());
      } finally {
        producing.set(false);
        counting.server.close();
      }
    }
  }

  /**
   * Jobs not (yet) where they must end: SUCCEEDED if the snapshot surely kept them or they were
   * created after the restart; else SUCCEEDED or gone with the rollback.
   */
  private static List<String> stragglers(
      BatonClient client, Map<JobId, Integer> phaseOf, JobId longJob) {
    List<String> out = new ArrayList<>();
    Map<JobId, Integer> all = new HashMap<>(phaseOf);
    all.put(longJob, 0);
    all.forEach(
        (id, phase) -> {
          JobState s = state(client, id);
          if (s != JobState.SUCCEEDED && (phase != 1 || s != null)) {
            out.add(id + " (created in phase " + phase + "): " + s);
          }
        });
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
