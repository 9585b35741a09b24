package dev.baton.storage.memory;

import dev.baton.tck.StorageFixture;
import dev.baton.tck.server.SelfFencingSuite;
import org.junit.jupiter.api.Nested;

/**
 * The kit's self-fencing suite alone on {@link InMemoryStorage}, to run it without the whole kit
 * ({@code -Dtest=InMemorySelfFencingTest}); {@link InMemoryConformanceTest} runs it too.
 */
class InMemorySelfFencingTest {
  @Nested
  class SelfFencing extends SelfFencingSuite {
    @Override
    protected StorageFixture createFixture() {
      return new InMemoryFixture();
    }
  }
}
