package dev.baton.dashboard.api;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The progress of one bulk requeue or delete, updated by its worker and read by {@code GET
 * /api/v1/bulk/{id}}.
 */
final class BulkOperation {
  final String id;
  final String action;
  final String by;
  final Instant startedAt;
  final AtomicLong matched = new AtomicLong();
  final AtomicLong done = new AtomicLong();
  final AtomicLong changed = new AtomicLong();
  private volatile boolean finished;
  private volatile String error;
  private volatile Instant finishedAt;

  BulkOperation(String id, String action, String by, Instant startedAt) {
    this.id = id;
    this.action = action;
    this.by = by;
    this.startedAt = startedAt;
  }

  void finish(String failure) {
    this.error = failure;
    this.finishedAt = Instant.now();
    this.finished = true;
  }

  boolean finished() {
    return finished;
  }

  Map<String, Object> view() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("action", action);
    m.put("done", done.get());
    m.put("matched", matched.get());
    m.put("changed", changed.get());
    m.put("finished", finished);
    m.put("startedAt", startedAt);
    m.put("finishedAt", finishedAt);
    m.put("by", by);
    if (error != null) {
      m.put("error", error);
    }
    return m;
  }
}
