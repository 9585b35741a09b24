package dev.baton.app;

import java.util.List;

/** Ctrl-C (SIGINT) and SIGTERM handled by the app itself instead of by JVM shutdown. */
final class StopSignals {
  private StopSignals() {}

  /**
   * Runs {@code onSignal} on each SIGINT or SIGTERM instead of shutting the JVM down. Returns false
   * if the platform does not let us (then the JVM's default shutdown applies).
   */
  @SuppressWarnings("removal")
  static boolean install(Runnable onSignal) {
    try {
      for (String name : List.of("INT", "TERM")) {
        sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> onSignal.run());
      }
      return true;
    } catch (IllegalArgumentException | LinkageError unsupported) {
      return false;
    }
  }
}
