package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WorkerThreadsTest {
  @Test
  void workersArePlatformThreadsOnJava17AndVirtualWhereAvailable() throws Exception {
    CompletableFuture<Thread> ran = new CompletableFuture<>();
    Thread thread =
        WorkerThreads.factory("test-worker-").newThread(() -> ran.complete(Thread.currentThread()));
    thread.start();
    Thread worker = ran.get(5, TimeUnit.SECONDS);
    assertThat(worker.getName()).startsWith("test-worker-");
    assertThat(worker.isDaemon()).isTrue();
    boolean virtual = worker.toString().startsWith("VirtualThread");
    assertThat(virtual).isEqualTo(Runtime.version().feature() >= 21);
  }
}
