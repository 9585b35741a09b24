package dev.baton.storage.redis;

import dev.baton.tck.StorageConformanceKit;
import dev.baton.tck.StorageFixture;

/**
 * The whole conformance kit with every operation run as an EVALSHA script, the way a Redis 6.2 (no
 * function libraries) is served; {@link RedisConformanceTest} covers the function library.
 */
class RedisScriptsConformanceTest extends StorageConformanceKit {
  @Override
  protected StorageFixture createFixture() {
    return new RedisFixture(RedisConformanceTest.URI, false, false);
  }
}
