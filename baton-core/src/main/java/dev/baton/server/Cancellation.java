package dev.baton.server;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A job's cancellation token: fires once, runs its callbacks, optionally interrupts a thread. */
final class Cancellation {
  private static final Logger log = LoggerFactory.getLogger(Cancellation.class);

  /** Why a token fired; the runner decides the run's outcome from it. */
  enum Cause {
    /** The server is shutting down: a job that stops is released, not failed. */
    SHUTDOWN,
    /**
     * The lease is gone or may be: deleted, requeued, rescued, the server was declared dead, or its
     * proof of life went stale.
     */
    LEASE_LOST,
    /** The run took longer than its job's execution timeout: a job that stops has failed. */
    TIMEOUT
  }

  private final List<Runnable> callbacks = new ArrayList<>();
  private volatile Cause cause;
  private volatile String reason;

  /** Explains the reason on first read (a storage read), or null once explained. */
  private volatile Supplier<String> explanation;

  private final Object explaining = new Object();

  private Thread interruptible;

  boolean isRequested() {
    return cause != null;
  }

  /**
   * Why the token fired, or null if it has not. A token fired with an explanation runs it on the
   * first read (a storage read, on the reader's thread, never the firing one), and keeps its
   * answer; concurrent readers wait for it. An explanation that throws or says nothing leaves the
   * reason given at fire time.
   */
  String reason() {
    if (explanation != null) {
      synchronized (explaining) {
        Supplier<String> explain = explanation;
        if (explain != null) {
          try {
            String explained = explain.get();
            if (explained != null) {
              reason = explained;
            }
          } catch (RuntimeException e) {
            log.debug("could not explain a cancellation ({}); keeping '{}'", e.toString(), reason);
          }
          explanation = null;
        }
      }
    }
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
    Runnable rest = fireLater(cause, reason);
    if (rest == null) {
      return false;
    }
    rest.run();
    return true;
  }

  /**
   * Fires the token (the job sees {@link #isRequested()} at once) and returns what is left to do:
   * run the callbacks and interrupt the thread. Null if the token had fired already. For cancelling
   * many jobs at once without one job's slow callback delaying the others' tokens.
   */
  Runnable fireLater(Cause cause, String reason) {
    return fireLater(cause, reason, null);
  }

  /**
   * As {@link #fireLater(Cause, String)}, with an explanation (or null) that replaces {@code
   * reason} when the reason is first read: see {@link #reason()}.
   */
  Runnable fireLater(Cause cause, String reason, Supplier<String> explanation) {
    List<Runnable> toRun;
    Thread toInterrupt;
    synchronized (this) {
      if (this.cause != null) {
        return null;
      }
      this.reason = reason;
      this.explanation = explanation;
      this.cause = cause;
      toRun = new ArrayList<>(callbacks);
      callbacks.clear();
      toInterrupt = interruptible;
    }
    return () -> {
      toRun.forEach(Cancellation::runQuietly);
      if (toInterrupt != null) {
        synchronized (this) {
          if (interruptible == toInterrupt) { // the handler still runs: not the thread's next job
            toInterrupt.interrupt();
          }
        }
      }
    };
  }

  void onCancel(Runnable callback) {
    synchronized (this) {
      if (cause == null) {
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
