package dev.baton.concurrency;

import dev.baton.storage.LockLease;
import dev.baton.storage.LockStorage;
import java.time.Duration;
import java.time.Instant;

/**
 * A held lock from {@link BatonLocks}. Closing it releases the lock, which then stays taken until
 * {@code atLeast} after it was acquired. Not thread-safe: one holder uses it.
 */
public final class LockHandle implements AutoCloseable {
  private final LockStorage storage;
  private final Duration atLeast;
  private LockLease lease;
  private boolean released;

  LockHandle(LockStorage storage, LockLease lease, Duration atLeast) {
    this.storage = storage;
    this.lease = lease;
    this.atLeast = atLeast;
  }

  public String name() {
    return lease.name();
  }

  public String owner() {
    return lease.owner();
  }

  /** The fencing token: strictly greater than every earlier holder's. */
  public long token() {
    return lease.token();
  }

  public Instant acquiredAt() {
    return lease.acquiredAt();
  }

  /** When the lock expires unless extended (storage clock). */
  public Instant until() {
    return lease.until();
  }

  /**
   * Moves the expiry to now + {@code atMost} (storage clock). Returns false if the lock was lost
   * (it expired and someone else took it, or it was released): stop the work it guards.
   */
  public boolean extend(Duration atMost) {
    BatonLocks.checkDurations(lease.name(), atMost, Duration.ZERO);
    if (released) {
      return false;
    }
    var extended = storage.extendLock(lease.name(), lease.token(), atMost);
    extended.ifPresent(l -> lease = l);
    return extended.isPresent();
  }

  /**
   * Releases the lock (free at acquired + atLeast, or now if later). Returns false if it was no
   * longer held under this token, or was already released. Idempotent.
   */
  public boolean release() {
    if (released) {
      return false;
    }
    released = true;
    return storage.unlock(lease.name(), lease.token(), atLeast);
  }

  @Override
  public void close() {
    release();
  }

  @Override
  public String toString() {
    return "LockHandle["
        + lease.name()
        + ", token "
        + lease.token()
        + ", until "
        + lease.until()
        + "]";
  }
}
