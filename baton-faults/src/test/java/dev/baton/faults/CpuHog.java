package dev.baton.faults;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * A process that keeps {@code args[0]} cores busy with plain loops, for at most {@code args[1]}
 * seconds; it also ends when its stdin closes (the test JVM went away), so it never outlives the
 * test that started it.
 */
public final class CpuHog {
  private CpuHog() {}

  static volatile long sink;

  public static void main(String[] args) throws IOException {
    int threads = Integer.parseInt(args[0]);
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[1]));
    for (int i = 0; i < threads; i++) {
      Thread t =
          new Thread(
              () -> {
                long x = 0;
                while (System.nanoTime() < until) {
                  for (int j = 0; j < 1_000_000; j++) {
                    x += j ^ (x >>> 3);
                  }
                  sink = x;
                }
                Runtime.getRuntime().halt(0);
              },
              "hog-" + i);
      t.setDaemon(true);
      t.start();
    }
    System.out.println("READY hog " + ProcessHandle.current().pid());
    System.out.flush();
    while (System.in.read() >= 0) {
      // wait for the end of stdin
    }
    Runtime.getRuntime().halt(0);
  }
}
