package dev.baton.faults;

import dev.baton.server.BatonServer;
import java.lang.reflect.Method;
import java.time.Duration;

/**
 * Samples a server's heartbeat lateness ({@code BatonServer.heartbeatLateness()}: p99 and max of
 * its last beats) often enough that consecutive samples cover every beat, and keeps the worst
 * window's p99 and the largest lateness seen. Found by reflection, so the same harness measures a
 * Baton build from before that method existed (and then reports it unavailable).
 */
final class Lateness {
  /** Beats in the server's window ({@code LatenessMeter.WINDOW}). */
  private static final int WINDOW = 128;

  private final BatonServer server;
  private final Method method;
  private long worstP99Nanos;
  private long maxNanos;
  private int windows;

  private Lateness(BatonServer server, Method method) {
    this.server = server;
    this.method = method;
  }

  /** Starts sampling every {@code min(30 s, WINDOW / 2 heartbeats)}. */
  static Lateness watch(BatonServer server, Duration heartbeat) {
    Method m;
    try {
      m = BatonServer.class.getMethod("heartbeatLateness");
    } catch (NoSuchMethodException e) {
      m = null;
    }
    Lateness l = new Lateness(server, m);
    if (m != null) {
      long every = Math.min(30_000, heartbeat.toMillis() * WINDOW / 2);
      Thread t =
          new Thread(
              () -> {
                while (true) {
                  try {
                    Thread.sleep(every);
                  } catch (InterruptedException e) {
                    return;
                  }
                  l.sample();
                }
              },
              "lateness-sampler");
      t.setDaemon(true);
      t.start();
    }
    return l;
  }

  synchronized void sample() {
    try {
      Object snapshot = method.invoke(server);
      int beats = (Integer) snapshot.getClass().getMethod("beats").invoke(snapshot);
      if (beats == 0) {
        return;
      }
      Duration p99 = (Duration) snapshot.getClass().getMethod("p99").invoke(snapshot);
      Duration max = (Duration) snapshot.getClass().getMethod("max").invoke(snapshot);
      worstP99Nanos = Math.max(worstP99Nanos, p99.toNanos());
      maxNanos = Math.max(maxNanos, max.toNanos());
      windows++;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read heartbeat lateness", e);
    }
  }

  /** One line: {@code worstP99Ms=.. maxMs=.. windows=..}, or {@code unavailable}. */
  synchronized String describe() {
    if (method == null) {
      return "unavailable";
    }
    sample();
    return String.format(
        "worstP99Ms=%.1f maxMs=%.1f windows=%d", worstP99Nanos / 1e6, maxNanos / 1e6, windows);
  }
}
