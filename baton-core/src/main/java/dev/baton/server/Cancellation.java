package dev.baton.server;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A job's cancellation token: fires once, runs its callbacks, optionally interrupts a thread. */
final class Cancellation {
  private static final Logger log = LoggerFactory.getLogger(Cancellation.class);

  /** Why a token fired; the runner decides the run's outcome from it. */
  enum Cause {
    /** The server is shutting down: a job that stops is released, not failed. */
    SHUTDOWN,
    /** The lease is gone (deleted, requeued, rescued, or the server could not beat). */
    LEASE_LOST
  }

  private final List<Runnable> callbacks = new ArrayList<>();
  private volatile String reason;
  private volatile Cause cause;
  private Thread interruptible;

  boolean isRequested() {
    return reason != null;
  }

  String reason() {
    return reason;
  }

  Cause cause() {
    return cause;
  }

  /** Interrupt {@code thread} when the token fires (only while the handler runs). */
  synchronized void interruptOnFire(Thread thread) {
    this.interruptible = thread;
  }

  /** Fires the token; later calls do nothing. Returns whether this call fired it. */
  boolean fire(Cause cause, String reason) {
    List<Runnable> toRun;
    Thread toInterrupt;
    synchronized (this) {
      if (this.reason != null) {
        return false;
      }
      this.cause = cause;
      this.reason = reason;
      toRun = new ArrayList<>(callbacks);
      callbacks.clear();
      toInterrupt = interruptible;
    }
    toRun.forEach(Cancellation::runQuietly);
    if (toInterrupt != null) {
      toInterrupt.interrupt();
    }
    return true;
  }

  void onCancel(Runnable callback) {
    synchronized (this) {
      if (reason == null) {
        callbacks.add(callback);
        return;
      }
    }
    runQuietly(callback);
  }

  private static void runQuietly(Runnable callback) {
    try {
      callback.run();
    } catch (RuntimeException e) {
      log.warn("a job's cancellation callback threw; ignored", e);
    }
  }
}
