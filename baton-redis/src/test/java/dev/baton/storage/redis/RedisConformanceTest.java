package dev.baton.storage.redis;

import dev.baton.tck.StorageConformanceKit;
import dev.baton.tck.StorageFixture;

/** The whole conformance kit against the Redis on 127.0.0.1:6379, one namespace per test. */
class RedisConformanceTest extends StorageConformanceKit {
  static final String URI = "redis://127.0.0.1:6379";

  @Override
  protected StorageFixture createFixture() {
    return new RedisFixture(URI, false);
  }
}
