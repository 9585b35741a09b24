package dev.baton.server;

import java.time.Duration;
import java.time.Instant;

/**
 * The storage's clock as seen from this JVM: the offset learned from each heartbeat answer, so log
 * lines and deadlines agree with the storage even when the JVM's clock is skewed.
 */
final class StorageClock {
  private volatile Duration offset = Duration.ZERO;

  /** Learns the offset from a storage timestamp taken about now. */
  void observe(Instant storageTime) {
    offset = Duration.between(Instant.now(), storageTime);
  }

  Instant now() {
    return Instant.now().plus(offset);
  }
}
