package dev.baton.storage.memory;

import dev.baton.storage.LockLease;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Named locks for user code. Tokens per name are kept after a lock is released or expires, so the
 * next holder always gets a larger one.
 */
final class NamedLocks {
  private static final class Held {
    final LockLease lease;
    Instant until;
    boolean released;

    Held(LockLease lease) {
      this.lease = lease;
      this.until = lease.until();
    }

    LockLease view() {
      return new LockLease(lease.name(), lease.owner(), lease.token(), lease.acquiredAt(), until);
    }
  }

  private final Map<String, Held> held = new HashMap<>();
  private final Map<String, Long> tokens = new HashMap<>();

  Optional<LockLease> tryLock(String name, String owner, Duration atMost, Instant now) {
    Held current = held.get(name);
    if (current != null && current.until.isAfter(now)) {
      return Optional.empty();
    }
    long token = tokens.merge(name, 1L, Long::sum);
    LockLease lease = new LockLease(name, owner, token, now, now.plus(atMost));
    held.put(name, new Held(lease));
    return Optional.of(lease);
  }

  Optional<LockLease> extend(String name, long token, Duration atMost, Instant now) {
    Held current = held.get(name);
    if (current == null || current.released || current.lease.token() != token) {
      return Optional.empty();
    }
    current.until = now.plus(atMost);
    return Optional.of(current.view());
  }

  boolean unlock(String name, long token, Duration atLeast, Instant now) {
    Held current = held.get(name);
    if (current == null || current.released || current.lease.token() != token) {
      return false;
    }
    Instant freeAt = current.lease.acquiredAt().plus(atLeast);
    if (freeAt.isAfter(now)) {
      current.until = freeAt;
      current.released = true;
    } else {
      held.remove(name);
    }
    return true;
  }

  List<LockLease> active(Instant now) {
    List<LockLease> out = new ArrayList<>();
    for (Held h : held.values()) {
      if (h.until.isAfter(now)) {
        out.add(h.view());
      }
    }
    out.sort(java.util.Comparator.comparing(LockLease::name));
    return out;
  }
}
