package dev.baton.server;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The parked threads of a group that share one queue of work (the workers), woken one at a time.
 * Waking a parked thread costs a context switch on both sides, 100-300 us of latency on a busy
 * small machine and CPU the storage could use; so a thread is woken only when work is queued and no
 * thread woken earlier is still on its way to take it ({@code maxInFlight}), and threads that are
 * busy take the next piece of work themselves without any wake. The most recently parked thread is
 * woken first, so a lightly loaded group keeps reusing the same few warm threads.
 *
 * <p>The group's threads call {@link #park} when they found no work and {@link #arrived} each time
 * they look at the queue; producers call {@link #wake} after queueing work. No wake-up is lost: a
 * thread registers as parked before it checks the queue one last time, under the same lock {@link
 * #wake} takes to pick a thread, and a woken thread stops counting as on its way before it looks.
 */
final class IdleThreads {
  /** One thread of the group, as it waits. */
  static final class Waiter {
    private final Thread thread = Thread.currentThread();
    private volatile boolean woken;
  }

  private final ArrayDeque<Waiter> parked = new ArrayDeque<>(); // guarded by this
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile int parkedCount;
  private volatile boolean closed;

  /**
   * Parks the calling thread until {@link #wake} picks it or the group is closed or the thread is
   * interrupted, unless {@code hasWork} is true once the thread is registered.
   */
  void park(Waiter me, BooleanSupplier hasWork) {
    synchronized (this) {
      if (closed) {
        return;
      }
      // Registered before the last look at the queue: a producer queues first and then looks for
      // parked threads, so one of the two sees the other.
      parked.push(me);
      parkedCount = parked.size();
      if (hasWork.getAsBoolean()) {
        parked.remove(me);
        parkedCount = parked.size();
        return;
      }
    }
    while (!me.woken && !closed && !Thread.currentThread().isInterrupted()) {
      LockSupport.park(this);
    }
    synchronized (this) {
      if (!me.woken && parked.remove(me)) { // closed or interrupted: nobody picked it
        parkedCount = parked.size();
      }
    }
  }

  /**
   * The thread is about to look at the queue: if it was woken, it no longer counts as on its way,
   * so a producer that queues work after this look wakes another thread.
   */
  void arrived(Waiter me) {
    if (me.woken) {
      me.woken = false;
      inFlight.decrementAndGet();
    }
  }

  /**
   * Wakes the most recently parked thread, unless {@code maxInFlight} woken threads are still on
   * their way to the queue (they will take the work) or none is parked (the busy ones will).
   */
  void wake(int maxInFlight) {
    if (parkedCount == 0 || inFlight.get() >= maxInFlight) {
      return;
    }
    Waiter w;
    synchronized (this) {
      w = parked.poll();
      if (w == null) {
        return;
      }
      parkedCount = parked.size();
      inFlight.incrementAndGet();
      w.woken = true;
    }
    LockSupport.unpark(w.thread);
  }

  /** Wakes every parked thread for good: {@link #park} returns at once from now on. */
  void close() {
    closed = true;
    synchronized (this) {
      parked.forEach(w -> LockSupport.unpark(w.thread));
    }
  }

  boolean isClosed() {
    return closed;
  }
}
