package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WorkerThreadsTest {
  @Test
  void workersArePlatformThreadsOnJava17AndVirtualWhereAvailable() throws Exception {
    var pool = WorkerThreads.create("test-worker-", 2);
    try {
      String name = pool.submit(() -> Thread.currentThread().getName()).get();
      assertThat(name).startsWith("test-worker-");
      boolean virtual =
          pool.submit(() -> Thread.currentThread().toString().startsWith("VirtualThread")).get();
      assertThat(virtual).isEqualTo(Runtime.version().feature() >= 21);
    } finally {
      pool.shutdownNow();
    }
  }
}
