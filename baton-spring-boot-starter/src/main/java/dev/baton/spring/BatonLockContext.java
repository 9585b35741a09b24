package dev.baton.spring;

import dev.baton.concurrency.LockHandle;
import java.util.Optional;

/**
 * The lock a {@link BatonLock} method runs under, for the method itself: inject this bean and read
 * {@link #token()} to fence writes ("only if my token is the newest"). Held per thread by this
 * bean, not in a static.
 */
public final class BatonLockContext {
  private final ThreadLocal<LockHandle> current = new ThreadLocal<>();

  /** The lock of the {@link BatonLock} method running on this thread, if any. */
  public Optional<LockHandle> current() {
    return Optional.ofNullable(current.get());
  }

  /**
   * The fencing token of the lock held by the {@link BatonLock} method running on this thread:
   * strictly greater than every earlier holder's.
   *
   * @throws IllegalStateException outside a {@link BatonLock} method
   */
  public long token() {
    LockHandle handle = current.get();
    if (handle == null) {
      throw new IllegalStateException("no @BatonLock method is running on this thread");
    }
    return handle.token();
  }

  LockHandle enter(LockHandle handle) {
    LockHandle outer = current.get();
    current.set(handle);
    return outer;
  }

  void leave(LockHandle outer) {
    if (outer == null) {
      current.remove();
    } else {
      current.set(outer);
    }
  }
}
