package dev.baton.storage.memory;

import dev.baton.tck.StorageConformanceKit;
import dev.baton.tck.StorageFixture;

/** The whole conformance kit against {@link InMemoryStorage}. */
class InMemoryConformanceTest extends StorageConformanceKit {
  @Override
  protected StorageFixture createFixture() {
    return new InMemoryFixture();
  }
}
