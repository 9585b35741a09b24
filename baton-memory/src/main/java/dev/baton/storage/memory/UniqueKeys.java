package dev.baton.storage.memory;

import dev.baton.concurrency.Uniqueness;
import dev.baton.job.JobId;
import dev.baton.storage.UniqueHold;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Held uniqueness keys: which job holds each, and until when for a TTL key. */
final class UniqueKeys {
  private record Hold(JobId holder, Instant expireAt) {
    boolean live(Instant now) {
      return expireAt == null || expireAt.isAfter(now);
    }
  }

  /** By key, so a dashboard lists them in order without sorting. */
  private final Map<String, Hold> holds = new TreeMap<>();

  /** The job holding {@code key} now, if any. */
  Optional<JobId> holder(String key, Instant now) {
    Hold hold = holds.get(key);
    return hold != null && hold.live(now) ? Optional.of(hold.holder()) : Optional.empty();
  }

  /** Takes the key for {@code id}, if the job declares one and it is free (or already its own). */
  void take(Uniqueness unique, JobId id, Instant now) {
    if (unique == null) {
      return;
    }
    Optional<JobId> holder = holder(unique.key(), now);
    if (holder.isEmpty()) {
      Instant expireAt = unique.ttl() == null ? null : now.plus(unique.ttl());
      holds.put(unique.key(), new Hold(id, expireAt));
    }
  }

  /** Releases a key held by {@code id} unless it is held for a TTL, which only time releases. */
  void release(Uniqueness unique, JobId id) {
    if (unique == null || unique.hold() == Uniqueness.Hold.TTL) {
      return;
    }
    Hold hold = holds.get(unique.key());
    if (hold != null && hold.holder().equals(id)) {
      holds.remove(unique.key());
    }
  }

  /** Releases an UNTIL_START key as its job starts. */
  void releaseAtStart(Uniqueness unique, JobId id) {
    if (unique != null && unique.hold() == Uniqueness.Hold.UNTIL_START) {
      release(unique, id);
    }
  }

  /** The keys held now, ordered by key, at most {@code limit}. */
  List<UniqueHold> held(Instant now, int limit) {
    List<UniqueHold> out = new ArrayList<>();
    for (Map.Entry<String, Hold> e : holds.entrySet()) {
      if (out.size() == limit) {
        break;
      }
      Hold hold = e.getValue();
      if (hold.live(now)) {
        out.add(new UniqueHold(e.getKey(), hold.holder(), hold.expireAt()));
      }
    }
    return out;
  }

  int purgeExpired(Instant now) {
    int before = holds.size();
    holds.values().removeIf(h -> !h.live(now));
    return before - holds.size();
  }
}
