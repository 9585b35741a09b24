package dev.baton.storage;

import java.time.Duration;
import java.util.Optional;

/**
 * Named locks for code that is not a job (ShedLock's use case). Each method is one atomic step;
 * expiry is measured on the storage's clock. Fencing tokens of one name strictly increase across
 * acquisitions, even after the lock expired or was released.
 */
public interface LockStorage {
  /**
   * Takes {@code name} for {@code owner} until now + {@code atMost}, if it is free or expired.
   * Losing the race is a value: empty.
   */
  Optional<LockLease> tryLock(String name, String owner, Duration atMost);

  /**
   * Moves the expiry of a lock still held under {@code token} to now + {@code atMost}. Empty if the
   * lease was lost (expired and taken by another, or released).
   */
  Optional<LockLease> extendLock(String name, long token, Duration atMost);

  /**
   * Releases a lock held under {@code token}: it becomes free at max(now, acquired + {@code
   * atLeast}). Returns false if the token no longer holds it.
   */
  boolean unlock(String name, long token, Duration atLeast);
}
