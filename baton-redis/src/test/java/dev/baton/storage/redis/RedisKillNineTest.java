package dev.baton.storage.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.client.BatonClient;
import dev.baton.client.EnqueueResult;
import dev.baton.state.JobState;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two server JVMs on one namespace; one is killed with SIGKILL in the middle of a job. Its job runs
 * again on the other within the server timeout, and the ledger the jobs write to Redis shows every
 * job done exactly once and no job started twice while its first owner lived.
 */
class RedisKillNineTest {
  private final String namespace = "kill9-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    processes.forEach(Process::destroyForcibly);
    RedisFixture.deleteNamespace(RedisConformanceTest.URI, false, namespace);
  }

  private Process startServer(String serverId) throws Exception {
    Path log = Path.of("target", namespace + "-" + serverId + ".log");
    Files.createDirectories(log.getParent());
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-cp",
                System.getProperty("java.class.path"),
                KillNineWorker.class.getName(),
                RedisConformanceTest.URI,
                namespace,
                serverId)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    processes.add(p);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> Files.exists(log) && Files.readString(log).contains("READY " + serverId));
    return p;
  }

  @Test
  void killedServersJobRunsElsewhereOnceAndNothingIsLost() throws Exception {
    Process a = startServer("a");
    startServer("b");
    RedisClient ledgerClient = RedisClient.create(RedisConformanceTest.URI);
    try (RedisStorage storage = RedisStorage.builder().namespace(namespace).build();
        StatefulRedisConnection<String, String> conn = ledgerClient.connect()) {
      BatonClient client = BatonClient.create(storage);
      List<EnqueueResult> jobs = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        jobs.add(client.enqueue(KillNineWorker.WORK, new KillNineWorker.Work(i)));
      }
      String key = KillNineWorker.ledgerKey(namespace);
      // Kill "a" while one of its jobs has started and not finished.
      String running =
          await()
              .atMost(Duration.ofSeconds(20))
              .pollInterval(Duration.ofMillis(10))
              .until(() -> runningOn("a", conn.sync().lrange(key, 0, -1)), r -> r != null);
      a.destroyForcibly().waitFor();
      long killedAt = System.nanoTime();

      await()
          .atMost(KillNineWorker.SERVER_TIMEOUT.plusSeconds(6))
          .pollInterval(Duration.ofMillis(50))
          .until(
              () ->
                  conn.sync().lrange(key, 0, -1).stream()
                      .anyMatch(l -> l.startsWith("start " + running + " b ")));
      Duration recovery = Duration.ofNanos(System.nanoTime() - killedAt);
      System.out.println(
          "kill -9 -> job " + running + " running on b after " + recovery.toMillis() + " ms");
      assertThat(recovery).isLessThan(KillNineWorker.SERVER_TIMEOUT.plusSeconds(2));

      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  jobs.stream()
                      .allMatch(
                          j ->
                              storage
                                  .find(j.id())
                                  .map(r -> r.state() == JobState.SUCCEEDED)
                                  .orElse(false)));

      Map<Integer, List<String[]>> byJob = new HashMap<>();
      for (String line : conn.sync().lrange(key, 0, -1)) {
        String[] f = line.split(" ");
        byJob.computeIfAbsent(Integer.parseInt(f[1]), k -> new ArrayList<>()).add(f);
      }
      assertThat(byJob).hasSize(30);
      byJob.forEach(
          (n, lines) -> {
            List<String[]> done = lines.stream().filter(f -> f[0].equals("done")).toList();
            List<String[]> starts = lines.stream().filter(f -> f[0].equals("start")).toList();
            assertThat(done).as("job %s done once", n).hasSize(1);
            // Only a start on the killed server, never finished there, may precede the rerun.
            for (String[] s : starts.subList(0, starts.size() - 1)) {
              assertThat(s[2]).as("job %s started twice while its owner lived", n).isEqualTo("a");
              assertThat(lines.stream().anyMatch(f -> f[0].equals("done") && f[2].equals("a")))
                  .as("job %s ran on a and again", n)
                  .isFalse();
            }
          });
      assertThat(byJob.get(Integer.parseInt(running))).hasSizeGreaterThanOrEqualTo(3);
    } finally {
      ledgerClient.shutdown();
    }
  }

  /** A job started on {@code server} and not done, or null. */
  private static String runningOn(String server, List<String> ledger) {
    Map<String, Integer> open = new HashMap<>();
    for (String line : ledger) {
      String[] f = line.split(" ");
      if (!f[2].equals(server)) {
        continue;
      }
      open.merge(f[1], f[0].equals("start") ? 1 : -1, Integer::sum);
    }
    return open.entrySet().stream()
        .filter(e -> e.getValue() > 0)
        .map(Map.Entry::getKey)
        .findFirst()
        .orElse(null);
  }
}
