package dev.baton.examples;

import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Waits for Ctrl-C (SIGINT) or SIGTERM, handled by the example itself rather than by JVM shutdown
 * hooks: the storage's own hooks (H2 closes its database on exit) would race the server's graceful
 * shutdown, which still writes to the storage (it hands running jobs back). A second signal stops
 * at once. The same approach as the {@code baton} server app.
 */
public final class StopSignal {
  private final CountDownLatch stop = new CountDownLatch(1);

  private StopSignal() {}

  /** Handles SIGINT and SIGTERM from now on; where the JVM does not allow it, hooks remain. */
  @SuppressWarnings("removal")
  public static StopSignal install() {
    StopSignal signal = new StopSignal();
    try {
      for (String name : List.of("INT", "TERM")) {
        sun.misc.Signal.handle(new sun.misc.Signal(name), s -> signal.received());
      }
    } catch (IllegalArgumentException | LinkageError unsupported) {
      Runtime.getRuntime().addShutdownHook(new Thread(signal::request));
    }
    return signal;
  }

  private void received() {
    if (stop.getCount() == 0) {
      Runtime.getRuntime().halt(130);
    }
    stop.countDown();
  }

  /** Ends {@link #await()} as a signal would. */
  public void request() {
    stop.countDown();
  }

  /** Blocks until a signal arrives or {@link #request()} is called. */
  public void await() {
    while (true) {
      try {
        stop.await();
        return;
      } catch (InterruptedException e) {
        // keep waiting: only a signal ends an example
      }
    }
  }
}
