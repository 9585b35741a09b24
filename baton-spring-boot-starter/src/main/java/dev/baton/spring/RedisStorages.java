package dev.baton.spring;

import dev.baton.storage.JobStorage;
import dev.baton.storage.redis.RedisStorage;

/** Builds the Redis storage; its own class so the starter loads without baton-redis. */
final class RedisStorages {
  private RedisStorages() {}

  static JobStorage create(BatonProperties.Redis r) {
    return RedisStorage.builder()
        .uri(r.getUri())
        .namespace(r.getNamespace())
        .cluster(r.isCluster())
        .commandTimeout(r.getCommandTimeout())
        .build();
  }
}
