package dev.baton.bench;

import dev.baton.storage.JobStorage;
import dev.baton.storage.redis.RedisStorage;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Redis at {@code --redis-url}, namespace {@value #NAMESPACE} (or {@code --schema}), emptied by
 * reset. The tuned profile is the same storage: Redis has no pool to size; what tuning there is
 * lives in the server config.
 */
final class RedisSpec implements StorageSpec {
  static final String NAMESPACE = "baton-bench";
  private final String uri;
  private final String namespace;

  RedisSpec(BenchOptions options) {
    this.uri = options.redisUrl();
    this.namespace = options.schema() == null ? NAMESPACE : options.schema();
  }

  @Override
  public String name() {
    return "redis";
  }

  @Override
  public String describe() {
    return "Redis at " + uri.replaceAll("//[^@/]*@", "//") + ", namespace " + namespace;
  }

  @Override
  public void reset() {
    RedisClient client = RedisClient.create(uri);
    try (StatefulRedisConnection<String, String> conn = client.connect()) {
      ScanArgs match = ScanArgs.Builder.matches("{" + namespace + "}:*").limit(1000);
      // A thousand keys per UNLINK (one hash tag, so one slot): a key per call took a minute for
      // the million keys a 100,000-job run leaves.
      List<String> batch = new ArrayList<>();
      for (String key :
          (Iterable<String>) ScanIterator.scan(conn.sync(), match).stream()::iterator) {
        batch.add(key);
        if (batch.size() == 1000) {
          conn.sync().unlink(batch.toArray(String[]::new));
          batch.clear();
        }
      }
      if (!batch.isEmpty()) {
        conn.sync().unlink(batch.toArray(String[]::new));
      }
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
  }

  @Override
  public double serverCpuSeconds() {
    RedisClient client = RedisClient.create(uri);
    try (StatefulRedisConnection<String, String> conn = client.connect()) {
      double sum = 0;
      for (String line : conn.sync().info("cpu").split("\r?\n")) {
        if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
          sum += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
        }
      }
      return sum;
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
  }

  /** The whole Redis's memory (other namespaces included), and this namespace's key count. */
  @Override
  public String dataSize() {
    RedisClient client = RedisClient.create(uri);
    try (StatefulRedisConnection<String, String> conn = client.connect()) {
      String memory = "?";
      for (String line : conn.sync().info("memory").split("\r?\n")) {
        if (line.startsWith("used_memory_human:")) {
          memory = line.substring(line.indexOf(':') + 1).trim();
        }
      }
      ScanArgs match = ScanArgs.Builder.matches("{" + namespace + "}:*").limit(1000);
      long keys = ScanIterator.scan(conn.sync(), match).stream().count();
      return String.format(
          java.util.Locale.ROOT, "%,d keys in the namespace; Redis used_memory %s", keys, memory);
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
  }

  @Override
  public JobStorage open(Profile profile) {
    RedisStorage.Builder builder = RedisStorage.builder().uri(uri).namespace(namespace);
    if (profile == Profile.FAST_RECOVERY) {
      builder.commandTimeout(Duration.ofSeconds(1));
    }
    return builder.build();
  }
}
