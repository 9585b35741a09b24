package dev.baton.faults;

import dev.baton.server.BatonServerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Server settings for a fault test, as {@link FaultServerMain} arguments. The shortest ones are
 * found by asking {@link BatonServerConfig}'s own validation, so the tests follow whatever floor
 * Baton sets instead of copying a number.
 */
record Settings(int workers, int batch, long heartbeatMs, long timeoutMs, long rescueMs) {
  private static final long[] TIMEOUTS_MS = {
    250, 500, 750, 1000, 1500, 2000, 3000, 4000, 5000, 6000, 8000, 10000, 15000, 20000
  };

  /**
   * The shortest server timeout Baton accepts with {@code workers} and {@code batch}, with the
   * shortest heartbeat it accepts for it (tried at 2/5, 1/3 and 1/4 of the timeout: 100 ms for 250
   * ms is what issue 18 reproduced with) and a rescue tick of half a heartbeat.
   */
  static Settings shortestAccepted(int workers, int batch, Duration longestCall) {
    return search(
        0, workers, batch, longestCall, new long[] {2, 5}, new long[] {1, 3}, new long[] {1, 4});
  }

  /**
   * The shortest accepted settings whose server timeout is at least {@code floorMs}, with a
   * heartbeat of a quarter of it if accepted (a third, or 2/5, if not).
   */
  static Settings atLeast(long floorMs, int workers, int batch, Duration longestCall) {
    return search(
        floorMs,
        workers,
        batch,
        longestCall,
        new long[] {1, 4},
        new long[] {1, 3},
        new long[] {2, 5});
  }

  /**
   * {@code longestCall}: the storage's longest call ({@code CallTimeouts}), or null. A server
   * refuses to build when a call may block as long as its proof of life may age before it fences
   * itself ({@code serverTimeout - max(heartbeat, serverTimeout / 4)}); the same rule here.
   */
  private static Settings search(
      long floorMs, int workers, int batch, Duration longestCall, long[]... ratios) {
    List<String> refused = new ArrayList<>();
    for (long timeout : TIMEOUTS_MS) {
      if (timeout < floorMs) {
        continue;
      }
      for (long[] ratio : ratios) {
        long heartbeat = timeout * ratio[0] / ratio[1];
        Settings s = new Settings(workers, batch, heartbeat, timeout, Math.max(50, heartbeat / 2));
        long fenceMs = timeout - Math.max(heartbeat, timeout / 4);
        if (longestCall != null && longestCall.toMillis() >= fenceMs) {
          refused.add(timeout + " ms: a storage call may block " + longestCall);
          continue;
        }
        try {
          s.config();
          return s;
        } catch (IllegalArgumentException e) {
          refused.add(e.getMessage());
        }
      }
    }
    throw new IllegalStateException("no server timeout accepted; refusals: " + refused);
  }

  BatonServerConfig config() {
    return BatonServerConfig.builder()
        .workers(workers)
        .claimBatchSize(batch)
        .heartbeatInterval(Duration.ofMillis(heartbeatMs))
        .serverTimeout(Duration.ofMillis(timeoutMs))
        .rescueInterval(Duration.ofMillis(rescueMs))
        .build();
  }

  Duration timeout() {
    return Duration.ofMillis(timeoutMs);
  }

  List<String> args() {
    return List.of(
        "workers=" + workers,
        "batch=" + batch,
        "heartbeatMs=" + heartbeatMs,
        "timeoutMs=" + timeoutMs,
        "rescueMs=" + rescueMs);
  }

  @Override
  public String toString() {
    return "workers "
        + workers
        + ", claim batch "
        + batch
        + ", heartbeat "
        + heartbeatMs
        + " ms, server timeout "
        + timeoutMs
        + " ms, rescue every "
        + rescueMs
        + " ms";
  }
}
