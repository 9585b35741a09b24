package dev.baton.storage.redis;

import dev.baton.storage.JobStorage;
import dev.baton.tck.StorageFixture;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One test's Redis data set: a fresh namespace on a real Redis (standalone or cluster), every key
 * of it deleted on close. Each {@link #newStorage()} is an independent client with its own
 * connections.
 */
final class RedisFixture implements StorageFixture {
  private final String uri;
  private final boolean cluster;
  private final String namespace = "tck-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<RedisStorage> opened = new ArrayList<>();
  private final boolean functions;

  RedisFixture(String uri, boolean cluster) {
    this(uri, cluster, true);
  }

  /** {@code functions}: false to run every operation as an EVALSHA script (Redis 6.2's way). */
  RedisFixture(String uri, boolean cluster, boolean functions) {
    this.uri = uri;
    this.cluster = cluster;
    this.functions = functions;
  }

  String namespace() {
    return namespace;
  }

  @Override
  public synchronized JobStorage newStorage() {
    RedisStorage s =
        RedisStorage.builder()
            .uri(uri)
            .cluster(cluster)
            .namespace(namespace)
            .pollInterval(Duration.ofSeconds(1))
            // Longest call 2 s, not 4 s: the kit's servers then need a 2.7 s server timeout.
            .commandTimeout(Duration.ofSeconds(2))
            .functions(functions)
            .build();
    opened.add(s);
    return s;
  }

  @Override
  public boolean independentClients() {
    return true;
  }

  @Override
  public synchronized void close() {
    opened.forEach(RedisStorage::close);
    opened.clear();
    deleteNamespace(uri, cluster, namespace);
  }

  static void deleteNamespace(String uri, boolean cluster, String namespace) {
    ScanArgs match = ScanArgs.Builder.matches("{" + namespace + "}:*").limit(1000);
    if (cluster) {
      RedisClusterClient c = RedisClusterClient.create(RedisURI.create(uri));
      try (StatefulRedisClusterConnection<String, String> conn = c.connect()) {
        ScanIterator.scan(conn.sync(), match).stream().forEach(k -> conn.sync().del(k));
      } finally {
        c.shutdown(Duration.ZERO, Duration.ofSeconds(1));
      }
    } else {
      RedisClient c = RedisClient.create(RedisURI.create(uri));
      try (StatefulRedisConnection<String, String> conn = c.connect()) {
        ScanIterator.scan(conn.sync(), match).stream().forEach(k -> conn.sync().del(k));
      } finally {
        c.shutdown(Duration.ZERO, Duration.ofSeconds(1));
      }
    }
  }
}
