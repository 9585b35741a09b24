package dev.baton.server;

import java.time.Duration;
import java.util.Arrays;

/** The lateness of the last {@link #WINDOW} heartbeats, for p99 and max. */
final class LatenessMeter {
  static final int WINDOW = 128;

  private final long[] ring = new long[WINDOW];
  private int count;
  private int next;

  synchronized void record(long latenessNanos) {
    ring[next] = Math.max(0, latenessNanos);
    next = (next + 1) % WINDOW;
    count = Math.min(WINDOW, count + 1);
  }

  synchronized HeartbeatLateness snapshot() {
    if (count == 0) {
      return new HeartbeatLateness(0, Duration.ZERO, Duration.ZERO);
    }
    long[] sorted = Arrays.copyOf(ring, count);
    Arrays.sort(sorted);
    int p99 = Math.min(count - 1, (int) Math.ceil(count * 0.99) - 1);
    return new HeartbeatLateness(
        count, Duration.ofNanos(sorted[p99]), Duration.ofNanos(sorted[count - 1]));
  }
}
