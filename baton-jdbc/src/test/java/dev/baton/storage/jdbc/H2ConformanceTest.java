package dev.baton.storage.jdbc;

import dev.baton.tck.StorageConformanceKit;
import dev.baton.tck.StorageFixture;

/** The whole conformance kit on H2 in file mode, each test in a fresh temporary file. */
class H2ConformanceTest extends StorageConformanceKit {
  @Override
  protected StorageFixture createFixture() {
    return new H2Fixture();
  }
}
