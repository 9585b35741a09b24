package dev.baton.concurrency;

import dev.baton.storage.LockStorage;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Named locks for code that is not a job — a nightly report that must run on one node, a cache
 * rebuild — kept in the same storage as the jobs and expiring by the storage's clock.
 *
 * <pre>{@code
 * BatonLocks locks = new BatonLocks(storage, "billing-node-1");
 * try (LockHandle lock = locks.tryLock("nightly-report", Duration.ofMinutes(10)).orElse(null)) {
 *   if (lock == null) return;              // someone else has it: a value, not an exception
 *   report.write(lock.token());            // fence your writes with the token
 * }
 * }</pre>
 *
 * <p>{@code atMost} bounds how long a lock can outlive a crashed holder; {@code atLeast} keeps it
 * taken for a minimum time even if the holder finishes at once, so that a task scheduled on every
 * node runs once per period (ShedLock's {@code lockAtLeastFor}). Fencing tokens of one name
 * strictly increase, across expiry and release.
 */
public final class BatonLocks {
  /** Lock names: 1 to this many characters. */
  public static final int MAX_NAME_LENGTH = 255;

  private final LockStorage storage;
  private final String owner;

  /**
   * @param owner who takes the locks, as shown on the dashboard (a host or instance name)
   */
  public BatonLocks(LockStorage storage, String owner) {
    this.storage = Objects.requireNonNull(storage, "storage");
    if (owner == null || owner.isBlank()) {
      throw new IllegalArgumentException("lock owner must not be blank, got '" + owner + "'");
    }
    this.owner = owner;
  }

  /** Takes {@code name} for at most {@code atMost}, or returns empty if another holds it. */
  public Optional<LockHandle> tryLock(String name, Duration atMost) {
    return tryLock(name, atMost, Duration.ZERO);
  }

  /**
   * Takes {@code name} for at most {@code atMost}; once released it stays taken until {@code
   * atLeast} after it was acquired. Empty if another holds it.
   */
  public Optional<LockHandle> tryLock(String name, Duration atMost, Duration atLeast) {
    checkName(name);
    checkDurations(name, atMost, atLeast);
    return storage
        .tryLock(name, owner, atMost)
        .map(lease -> new LockHandle(storage, lease, atLeast));
  }

  /**
   * Runs {@code task} under {@code name} if the lock is free, releasing it afterwards (also when
   * the task throws). Returns whether it ran.
   */
  public boolean runExclusively(String name, Duration atMost, Runnable task) {
    return runExclusively(name, atMost, Duration.ZERO, task);
  }

  /**
   * As {@link #runExclusively(String, Duration, Runnable)}, holding the lock at least {@code
   * atLeast}.
   */
  public boolean runExclusively(String name, Duration atMost, Duration atLeast, Runnable task) {
    Objects.requireNonNull(task, "task");
    Optional<LockHandle> lock = tryLock(name, atMost, atLeast);
    if (lock.isEmpty()) {
      return false;
    }
    try (LockHandle held = lock.get()) {
      task.run();
    }
    return true;
  }

  public String owner() {
    return owner;
  }

  static void checkName(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("lock name must not be empty");
    }
    if (name.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException(
          "lock name must be at most "
              + MAX_NAME_LENGTH
              + " characters, got "
              + name.length()
              + ": '"
              + name.substring(0, 40)
              + "...'");
    }
    if (name.isBlank() || !name.strip().equals(name)) {
      throw new IllegalArgumentException(
          "lock name must not start or end with whitespace, got '" + name + "'");
    }
    if (name.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(
          "lock name must not contain control characters, got '"
              + name.replaceAll("\\p{Cntrl}", "?")
              + "'");
    }
  }

  static void checkDurations(String name, Duration atMost, Duration atLeast) {
    if (atMost == null || atMost.isNegative() || atMost.isZero()) {
      throw new IllegalArgumentException(
          "lock '" + name + "': atMost must be positive, got " + atMost);
    }
    if (atLeast == null || atLeast.isNegative()) {
      throw new IllegalArgumentException(
          "lock '" + name + "': atLeast must be zero or positive, got " + atLeast);
    }
    if (atLeast.compareTo(atMost) > 0) {
      throw new IllegalArgumentException(
          "lock '" + name + "': atLeast (" + atLeast + ") must not exceed atMost (" + atMost + ")");
    }
  }
}
