package dev.baton.storage.jdbc;

import dev.baton.tck.StorageConformanceKit;
import dev.baton.tck.StorageFixture;

/** The whole conformance kit on PostgreSQL, each test in a fresh schema of database test. */
class PostgresConformanceTest extends StorageConformanceKit {
  @Override
  protected StorageFixture createFixture() {
    return new PostgresFixture();
  }
}
