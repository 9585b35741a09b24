package dev.baton.stats;

import dev.baton.server.PeriodicPlugin;
import dev.baton.server.PluginContext;
import dev.baton.storage.MinuteStats;
import dev.baton.storage.ServerEvent;
import dev.baton.storage.StatsStorage;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the server's {@link OutcomeCounters} to a {@link StatsStorage}: one {@code addStats} a
 * second when anything ran, a prune of counters older than {@link #KEEP} once an hour, and a last
 * flush on stop. Records the server's {@link ServerEvent.Kind#STARTED STARTED} and {@link
 * ServerEvent.Kind#STOPPED STOPPED} events, and an {@link ServerEvent.Kind#UNKNOWN_TYPE
 * UNKNOWN_TYPE} event per type at most once a {@link #UNKNOWN_TYPE_EVERY} while jobs of a type with
 * no handler fail (so a flood of them cannot push other events out of the storage's last {@value
 * StatsStorage#KEPT_EVENTS}). Statistics never fail a job or the server: a failed write is logged
 * (WARN once, then DEBUG) and its counts are retried with the next flush.
 */
public final class StatsPlugin extends PeriodicPlugin {
  /** How often counts are written: the dashboard's live figures are at most this old. */
  public static final Duration FLUSH_INTERVAL = Duration.ofSeconds(1);

  /** How often each server drops old counters (a cheap, idempotent delete). */
  public static final Duration PRUNE_INTERVAL = Duration.ofHours(1);

  /** How long per-minute counters are kept: a week of history and a day to spare. */
  public static final Duration KEEP = Duration.ofDays(8);

  /** How often at most one server records an UNKNOWN_TYPE event for one type. */
  public static final Duration UNKNOWN_TYPE_EVERY = Duration.ofMinutes(1);

  private static final Logger log = LoggerFactory.getLogger(StatsPlugin.class);

  private final OutcomeCounters counters;
  private final UnknownTypes unknownTypes;
  private final StatsStorage storage;
  private final BooleanSupplier mayWrite;
  private final String startDetail;
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile String serverId = "?";
  private volatile long lastPruneNanos;
  private volatile boolean pruned;
  private volatile boolean eventFailed;

  /** Unknown-type counts not recorded yet, and when each type was last recorded (nanoTime). */
  private final Map<String, UnknownTypes.Counts> unknownPending = new HashMap<>();

  private final Map<String, Long> unknownRecorded = new HashMap<>();

  /**
   * @param mayWrite false once nothing may be written any more (a frozen server, a test seam)
   * @param startDetail a line for the STARTED event (queues, workers)
   */
  public StatsPlugin(
      OutcomeCounters counters,
      UnknownTypes unknownTypes,
      StatsStorage storage,
      BooleanSupplier mayWrite,
      String startDetail) {
    super("stats", FLUSH_INTERVAL);
    this.counters = Objects.requireNonNull(counters, "counters");
    this.unknownTypes = Objects.requireNonNull(unknownTypes, "unknownTypes");
    this.storage = Objects.requireNonNull(storage, "storage");
    this.mayWrite = Objects.requireNonNull(mayWrite, "mayWrite");
    this.startDetail = startDetail;
  }

  @Override
  public void start(PluginContext context) {
    serverId = context.serverId();
    running.set(true);
    counters.syncClock();
    Instant at = now();
    // Off the caller's thread: a slow storage must not hold up the server's start.
    context.scheduler().execute(() -> event(at, ServerEvent.Kind.STARTED, startDetail));
    super.start(context);
  }

  @Override
  protected void tick(PluginContext context) {
    counters.syncClock();
    flush();
    recordUnknownTypes(false);
    if (!pruned || System.nanoTime() - lastPruneNanos >= PRUNE_INTERVAL.toNanos()) {
      lastPruneNanos = System.nanoTime();
      pruned = true;
      int dropped = storage.pruneStats(now().minus(KEEP));
      log.debug("stats: pruned {} minute rows older than {}", dropped, KEEP);
    }
  }

  /** Stops ticking, then writes what is left and the STOPPED event (once, and not if frozen). */
  @Override
  public void stop() {
    super.stop();
    if (!running.compareAndSet(true, false) || !mayWrite.getAsBoolean()) {
      return;
    }
    try {
      flush();
    } catch (RuntimeException e) {
      log.warn("stats: the last counts of server {} are lost: {}", serverId, e.toString());
    }
    recordUnknownTypes(true);
    event(now(), ServerEvent.Kind.STOPPED, "stopped gracefully");
  }

  /** Records the unknown-type counts so far, per type once a minute unless {@code all}. */
  private synchronized void recordUnknownTypes(boolean all) {
    UnknownTypes.merge(unknownPending, unknownTypes.drain());
    long now = System.nanoTime();
    for (var it = unknownPending.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, UnknownTypes.Counts> pending = it.next();
      Long last = unknownRecorded.get(pending.getKey());
      if (!all && last != null && now - last < UNKNOWN_TYPE_EVERY.toNanos()) {
        continue;
      }
      long n = pending.getValue().total();
      String detail = UnknownTypes.detail(pending.getKey(), pending.getValue());
      if (event(
          now(), ServerEvent.Kind.UNKNOWN_TYPE, (int) Math.min(n, Integer.MAX_VALUE), detail)) {
        unknownRecorded.put(pending.getKey(), now);
        it.remove();
      }
    }
  }

  /** One {@code addStats} with everything counted since the last; put back if it fails. */
  private synchronized void flush() {
    List<MinuteStats> deltas = counters.drain();
    if (deltas.isEmpty()) {
      return;
    }
    try {
      storage.addStats(deltas);
    } catch (RuntimeException e) {
      Instant oldest = now().minus(KEEP);
      counters.restore(deltas.stream().filter(d -> d.minute().isAfter(oldest)).toList());
      throw e;
    }
  }

  private void event(Instant at, ServerEvent.Kind kind, String detail) {
    event(at, kind, 0, detail);
  }

  /** Whether the event was written (or need not be: nothing may be written any more). */
  private boolean event(Instant at, ServerEvent.Kind kind, int jobs, String detail) {
    if (!mayWrite.getAsBoolean()) {
      return true;
    }
    try {
      storage.addServerEvent(new ServerEvent(at, kind, serverId, null, jobs, detail));
      return true;
    } catch (RuntimeException e) {
      if (!eventFailed) {
        eventFailed = true;
        log.warn("stats: could not record {} of server {}: {}", kind, serverId, e.toString());
      } else {
        log.debug("stats: could not record {} of server {}: {}", kind, serverId, e.toString());
      }
    }
    return false;
  }

  private Instant now() {
    return Instant.ofEpochMilli(counters.nowMillis());
  }
}
