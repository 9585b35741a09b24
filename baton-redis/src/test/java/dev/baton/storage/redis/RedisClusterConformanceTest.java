package dev.baton.storage.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.baton.job.JobId;
import dev.baton.storage.JobSpec;
import dev.baton.storage.NewJob;
import dev.baton.tck.StorageConformanceKit;
import dev.baton.tck.StorageFixture;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole conformance kit against a 3-master Redis Cluster this test starts on loopback ports
 * 7101-7103 (files under target/redis-cluster) and tears down afterwards.
 */
class RedisClusterConformanceTest extends StorageConformanceKit {
  private static final int[] PORTS = {7101, 7102, 7103};
  private static final List<RedisServerProcess> NODES = new ArrayList<>();

  @BeforeAll
  static void startCluster() throws Exception {
    if (!RedisServerProcess.installed()) {
      System.err.println(
          "\n!!!!! RedisClusterConformanceTest SKIPPED: redis-server/redis-cli not installed."
              + " Install them (apt-get install redis-server) to test Redis Cluster. !!!!!\n");
      assumeTrue(false, "redis-server is not installed");
    }
    List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
    for (int port : PORTS) {
      Path dir = Path.of("target", "redis-cluster", Integer.toString(port));
      deleteRecursively(dir);
      RedisServerProcess node =
          new RedisServerProcess(
              port,
              dir,
              List.of(
                  "--cluster-enabled",
                  "yes",
                  "--cluster-config-file",
                  "nodes.conf",
                  "--appendonly",
                  "no"));
      node.stop();
      node.start();
      NODES.add(node);
      create.add("127.0.0.1:" + port);
    }
    create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
    if (RedisServerProcess.run(create) != 0) {
      throw new IllegalStateException("redis-cli --cluster create failed: " + create);
    }
    long deadline = System.currentTimeMillis() + 20_000;
    while (true) {
      boolean ok = true;
      for (RedisServerProcess n : NODES) {
        ok &= n.cli("cluster", "info").contains("cluster_state:ok");
      }
      if (ok) {
        break;
      }
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("the test cluster did not reach cluster_state:ok");
      }
      Thread.sleep(100);
    }
  }

  @AfterAll
  static void stopCluster() {
    NODES.forEach(RedisServerProcess::stop);
    NODES.clear();
  }

  @Override
  protected StorageFixture createFixture() {
    return new RedisFixture("redis://127.0.0.1:" + PORTS[0], true);
  }

  @Test
  void functionsAreLoadedOnEveryMasterAndAgainAfterAFlush() throws Exception {
    RedisFixture fixture = new RedisFixture("redis://127.0.0.1:" + PORTS[0], true);
    try {
      RedisStorage storage = (RedisStorage) fixture.newStorage();
      assertThat(storage.usesFunctions()).isTrue();
      for (RedisServerProcess node : NODES) {
        assertThat(node.cli("function", "list")).contains("baton_");
      }
      for (RedisServerProcess node : NODES) {
        node.cli("function", "flush");
      }
      JobSpec spec =
          new JobSpec(JobId.newId(), "t", "default", "{}", "{}", 3, null, null, null, null);
      assertThat(storage.create(List.of(NewJob.now(spec, "new")))).hasSize(1);
      assertThat(storage.claim("s1", List.of("default"), 1)).hasSize(1);
      for (RedisServerProcess node : NODES) {
        assertThat(node.cli("function", "list")).contains("baton_");
      }
    } finally {
      fixture.close();
    }
  }

  private static void deleteRecursively(Path dir) throws java.io.IOException {
    if (!java.nio.file.Files.exists(dir)) {
      return;
    }
    try (var walk = java.nio.file.Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
