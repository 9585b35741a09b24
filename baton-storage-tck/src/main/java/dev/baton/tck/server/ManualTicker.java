package dev.baton.tck.server;

import dev.baton.server.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A server's monotonic clock that moves only when a test says: the proof of life of a server built
 * with it ages by exactly what the test advances, whatever the machine's load.
 */
final class ManualTicker implements Ticker {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  @Override
  public long nanoTime() {
    return now.get();
  }

  void advance(Duration by) {
    now.addAndGet(by.toNanos());
  }
}
