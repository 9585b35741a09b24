package dev.baton.dashboard.api;

import dev.baton.dashboard.http.EventStream;
import dev.baton.job.JobId;
import dev.baton.storage.JobRecord;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the open event streams: one tick per interval reads the stats once for all of them and
 * sends {@code stats}; a stream opened for a job also gets {@code job} when its state, progress or
 * log count changed. A stream is closed after its lifetime (the browser reconnects), so none is
 * held forever. Writes happen on a small pool, one at a time per stream, so a stalled client stalls
 * only itself.
 */
final class EventHub implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventHub.class);

  private final Backend backend;
  private final Supplier<Map<String, Object>> stats;
  private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private final ScheduledExecutorService ticker;
  private final ExecutorService writers;

  private static final class Subscriber {
    final EventStream stream;
    final JobId job;
    final Instant closeAt;
    final AtomicBoolean busy = new AtomicBoolean();
    volatile Map<String, Object> lastJob;

    Subscriber(EventStream stream, JobId job, Instant closeAt) {
      this.stream = stream;
      this.job = job;
      this.closeAt = closeAt;
    }
  }

  EventHub(Backend backend, Supplier<Map<String, Object>> stats) {
    this.backend = backend;
    this.stats = stats;
    AtomicInteger n = new AtomicInteger();
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "baton-dashboard-events"));
    this.writers =
        Executors.newCachedThreadPool(r -> daemon(r, "baton-dashboard-sse-" + n.incrementAndGet()));
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  boolean isFull() {
    return subscribers.size() >= backend.config().maxEventStreams();
  }

  int open() {
    return subscribers.size();
  }

  /** Starts feeding {@code stream}: stats at once and then every interval. */
  void subscribe(EventStream stream, JobId job) {
    if (started.compareAndSet(false, true)) {
      long every = backend.config().eventInterval().toMillis();
      ticker.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
    }
    Subscriber s =
        new Subscriber(stream, job, Instant.now().plus(backend.config().eventStreamLifetime()));
    subscribers.add(s);
    deliver(s, backend.json().write(stats.get()));
  }

  private void tick() {
    try {
      if (subscribers.isEmpty()) {
        return;
      }
      String snapshot = backend.json().write(stats.get());
      Instant now = Instant.now();
      for (Subscriber s : subscribers) {
        if (!s.stream.isOpen() || now.isAfter(s.closeAt)) {
          subscribers.remove(s);
          writers.execute(s.stream::close);
        } else {
          deliver(s, snapshot);
        }
      }
    } catch (RuntimeException e) {
      log.warn("dashboard events: cannot read stats: {}", e.toString());
    }
  }

  private void deliver(Subscriber s, String snapshot) {
    if (!s.busy.compareAndSet(false, true)) {
      return; // still writing the previous tick: a slow client skips ticks
    }
    writers.execute(
        () -> {
          try {
            boolean ok = s.stream.send("stats", snapshot);
            if (ok && s.job != null) {
              Map<String, Object> job = job(s.job);
              if (!Objects.equals(job, s.lastJob)) {
                s.lastJob = job;
                s.stream.send("job", backend.json().write(job));
              }
            }
            if (!s.stream.isOpen()) {
              subscribers.remove(s);
            }
          } catch (RuntimeException e) {
            log.debug("dashboard events: stream failed: {}", e.toString());
            subscribers.remove(s);
            s.stream.close();
          } finally {
            s.busy.set(false);
          }
        });
  }

  private Map<String, Object> job(JobId id) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id.toString());
    JobRecord r = backend.monitor().job(id).orElse(null);
    m.put("state", r == null ? null : r.state().name());
    m.put("stateAt", r == null ? null : r.stateAt());
    m.put("attempt", r == null ? null : r.attempt());
    m.put("progress", r == null ? null : r.progress());
    m.put("logTotal", r == null ? 0 : backend.monitor().logs(id, -1, 1).total());
    return m;
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    for (Subscriber s : subscribers) {
      s.stream.close();
    }
    subscribers.clear();
    writers.shutdownNow();
  }
}
