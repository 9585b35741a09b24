package dev.baton.micrometer;

import dev.baton.storage.JobMonitor;
import dev.baton.storage.QueueStats;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gauges read from the storage's counts ({@link JobMonitor#queues()}, {@link
 * JobMonitor#servers()}), cached: whatever the number of gauges and scrapes, the storage is asked
 * at most once per {@code refresh}, by the first gauge read after the cache went stale (other
 * readers meanwhile get the values before). A queue seen for the first time gets its gauges then; a
 * queue that empties keeps them, at 0. A failed read makes every gauge NaN until a read succeeds
 * (logged at WARN once, then DEBUG).
 */
public final class StorageGauges {
  private static final Logger log = LoggerFactory.getLogger(StorageGauges.class);
  private static final int ENQUEUED = 0;
  private static final int BLOCKED = 1;
  private static final int PROCESSING = 2;
  private static final int SCHEDULED = 3;

  private record Snapshot(Map<String, long[]> queues, int servers, boolean failed) {}

  private final JobMonitor monitor;
  private final MeterRegistry registry;
  private final Tags common;
  private final BoundedValues queueNames;
  private final long refreshNanos;
  private final LongSupplier nanoTime;
  private final ReentrantLock refreshing = new ReentrantLock();
  private final Set<String> registered = ConcurrentHashMap.newKeySet();
  private volatile Snapshot snapshot = new Snapshot(Map.of(), 0, true);
  private volatile long readAt;
  private volatile boolean everRead;
  private volatile boolean warned;

  StorageGauges(
      JobMonitor monitor,
      MeterRegistry registry,
      Tags common,
      BoundedValues queueNames,
      Duration refresh,
      LongSupplier nanoTime) {
    this.monitor = monitor;
    this.registry = registry;
    this.common = common;
    this.queueNames = queueNames;
    this.refreshNanos = refresh.toNanos();
    this.nanoTime = nanoTime;
    Gauge.builder(
            BatonMetrics.SERVERS_ALIVE,
            this,
            g -> g.current().failed ? Double.NaN : g.current().servers)
        .tags(common)
        .description("servers registered and not declared dead")
        .strongReference(true)
        .register(registry);
  }

  /**
   * Reads the storage now (two calls), whether or not the cache is stale, and registers the gauges
   * of queues seen for the first time. Gauges do this by themselves; call it to have every queue's
   * gauges from the first scrape on.
   */
  public void refresh() {
    refreshing.lock();
    try {
      read();
    } finally {
      refreshing.unlock();
    }
  }

  /** The cached counts, read again first if stale and no other thread is reading them. */
  private Snapshot current() {
    if ((!everRead || nanoTime.getAsLong() - readAt >= refreshNanos) && refreshing.tryLock()) {
      try {
        if (!everRead || nanoTime.getAsLong() - readAt >= refreshNanos) {
          read();
        }
      } finally {
        refreshing.unlock();
      }
    }
    return snapshot;
  }

  private void read() {
    readAt = nanoTime.getAsLong();
    everRead = true;
    try {
      List<QueueStats> queues = monitor.queues();
      int servers = monitor.servers().size();
      Map<String, long[]> counts = new HashMap<>();
      for (QueueStats q : queues) {
        long[] c = counts.computeIfAbsent(queueNames.of(q.queue()), k -> new long[4]);
        c[ENQUEUED] += q.enqueued();
        c[BLOCKED] += q.blocked();
        c[PROCESSING] += q.processing();
        c[SCHEDULED] += q.scheduled();
      }
      snapshot = new Snapshot(Map.copyOf(counts), servers, false);
      counts.keySet().forEach(this::register);
    } catch (RuntimeException e) {
      snapshot = new Snapshot(snapshot.queues(), snapshot.servers(), true);
      if (!warned) {
        warned = true;
        log.warn(
            "Baton gauges: cannot read the storage's counts; gauges are NaN: {}", e.toString());
      } else {
        log.debug("Baton gauges: cannot read the storage's counts: {}", e.toString());
      }
    }
  }

  private void register(String queue) {
    if (!registered.add(queue)) {
      return;
    }
    gauge(BatonMetrics.QUEUE_DEPTH, queue, ENQUEUED, "jobs enqueued, ready for a worker");
    gauge(BatonMetrics.QUEUE_BLOCKED, queue, BLOCKED, "jobs parked behind a concurrency limit");
    gauge(BatonMetrics.QUEUE_PROCESSING, queue, PROCESSING, "jobs running");
    gauge(BatonMetrics.QUEUE_SCHEDULED, queue, SCHEDULED, "jobs scheduled for later (and retries)");
  }

  private void gauge(String name, String queue, int slot, String description) {
    Gauge.builder(name, this, g -> g.value(queue, slot))
        .tags(common.and(BatonMetrics.TAG_QUEUE, queue))
        .description(description)
        .strongReference(true)
        .register(registry);
  }

  private double value(String queue, int slot) {
    Snapshot s = current();
    if (s.failed) {
      return Double.NaN;
    }
    long[] c = s.queues.get(queue);
    return c == null ? 0 : c[slot];
  }
}
