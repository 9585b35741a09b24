package dev.baton.micrometer;

import dev.baton.storage.JobStorage;
import dev.baton.storage.memory.InMemoryStorage;

/** The metrics scenario on the in-memory storage. */
class InMemoryMetricsTest extends MetricsScenario {
  @Override
  JobStorage newStorage() {
    return new InMemoryStorage();
  }
}
