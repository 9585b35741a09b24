package dev.baton.recurring;

import dev.baton.json.JsonCodec;
import dev.baton.server.PluginContext;
import dev.baton.server.ServerPlugin;
import dev.baton.storage.CreateResult;
import dev.baton.storage.JobStorage;
import dev.baton.storage.NewJob;
import dev.baton.storage.RecurringRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires due recurring jobs. Every server may run it: each occurrence is fired with {@link
 * JobStorage#fireRecurring}, a compare-and-set on the stored next fire time, so exactly one server
 * wins, and the occurrence's job id is derived from the recurring id and the occurrence time, so
 * even a stale writer cannot create it twice.
 *
 * <p>It sleeps until the nearest due time, but at most {@code pollInterval}, so definitions added
 * by other clients are seen within that interval. Storage errors are logged and retried at the next
 * tick.
 */
public final class RecurringPlugin implements ServerPlugin {
  private static final Logger log = LoggerFactory.getLogger(RecurringPlugin.class);

  /** How often the recurring jobs are read at the most (1 s). */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);

  /** How late an occurrence may fire before it counts as missed (1 min). */
  public static final Duration DEFAULT_MISFIRE_THRESHOLD = Duration.ofMinutes(1);

  private static final long MIN_DELAY_MILLIS = 5;

  private final Duration pollInterval;
  private final Duration misfireThreshold;
  private final AtomicLong created = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();

  /** Definitions that failed to fire, by id, with the next fire time they failed at: warn once. */
  private final Map<String, Instant> failing = new ConcurrentHashMap<>();

  private volatile PluginContext context;
  private volatile ScheduledFuture<?> nextTick;
  private volatile boolean stopped;
  private volatile boolean tickFailing;

  public RecurringPlugin() {
    this(DEFAULT_POLL_INTERVAL, DEFAULT_MISFIRE_THRESHOLD);
  }

  public RecurringPlugin(Duration pollInterval, Duration misfireThreshold) {
    if (pollInterval == null || pollInterval.toMillis() < 1) {
      throw new IllegalArgumentException("pollInterval must be at least 1 ms, got " + pollInterval);
    }
    if (misfireThreshold == null || misfireThreshold.isNegative()) {
      throw new IllegalArgumentException(
          "misfireThreshold must not be negative, got " + misfireThreshold);
    }
    this.pollInterval = pollInterval;
    this.misfireThreshold = misfireThreshold;
  }

  @Override
  public String name() {
    return "recurring(poll " + pollInterval + ", misfire after " + misfireThreshold + ")";
  }

  @Override
  public String toString() {
    return name();
  }

  @Override
  public void start(PluginContext context) {
    this.context = context;
    this.stopped = false;
    schedule(0);
  }

  @Override
  public void stop() {
    stopped = true;
    ScheduledFuture<?> tick = nextTick;
    if (tick != null) {
      tick.cancel(false);
    }
  }

  private void schedule(long delayMillis) {
    if (stopped) {
      return;
    }
    try {
      nextTick = context.scheduler().schedule(this::tick, delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      log.debug("recurring jobs: scheduler shut down, no more ticks");
    }
  }

  private void tick() {
    long delay = pollInterval.toMillis();
    try {
      Tick tick = fireDue(context);
      if (tickFailing) {
        tickFailing = false;
        log.info("recurring jobs: the storage answers again");
      }
      if (tick.nearestDue() != null) {
        long untilDue = Duration.between(context.storage().now(), tick.nearestDue()).toMillis();
        delay = Math.max(MIN_DELAY_MILLIS, Math.min(delay, untilDue));
      }
    } catch (RuntimeException e) {
      if (stopped) {
        // The server stops: a tick in flight is interrupted when its threads are shut down.
        log.debug("recurring jobs: stopped during a tick: {}", e.toString());
        return;
      }
      // Warn once per outage, not once per tick.
      if (!tickFailing) {
        tickFailing = true;
        log.warn("recurring jobs: tick failed, retrying every {} ms: {}", delay, e.toString());
      } else {
        log.debug("recurring jobs: tick failed again: {}", e.toString());
      }
    } finally {
      schedule(delay);
    }
  }

  /**
   * One pass: fires every due, unpaused recurring job once (with its misfire policy). Runs on the
   * plugin's own schedule after {@link #start}; tests may call it directly, with any context.
   *
   * @return what this pass did
   */
  public Tick fireDue(PluginContext context) {
    JobStorage storage = context.storage();
    JsonCodec json = context.specs().json();
    Instant now = storage.now();
    int createdNow = 0;
    int skippedNow = 0;
    Instant nearest = null;
    for (RecurringRecord record : storage.recurringJobs()) {
      if (record.paused()) {
        continue;
      }
      Instant next = record.nextFireAt();
      if (!next.isAfter(now)) {
        try {
          Fired fired = fire(storage, json, record, now);
          createdNow += fired.created();
          skippedNow += fired.skipped();
          next = fired.newNextFire();
          failing.remove(record.id());
        } catch (RuntimeException e) {
          if (stopped) {
            throw e; // the server stops and interrupted the call: no more records, no warning
          }
          if (!next.equals(failing.put(record.id(), next))) {
            log.warn(
                "recurring job '{}': cannot fire the occurrence due at {}", record.id(), next, e);
          }
          continue;
        }
      }
      nearest = nearest == null || next.isBefore(nearest) ? next : nearest;
    }
    return new Tick(createdNow, skippedNow, nearest);
  }

  private Fired fire(JobStorage storage, JsonCodec json, RecurringRecord record, Instant now) {
    RecurringJob definition = RecurringJob.fromJson(record.definitionJson());
    FirePlan plan =
        FirePlan.compute(
                definition.schedule(),
                definition.misfire(),
                record.nextFireAt(),
                now,
                misfireThreshold)
            .orElseThrow();
    List<NewJob> jobs =
        plan.occurrences().stream().map(o -> definition.occurrence(o, json)).toList();
    Optional<List<CreateResult>> results =
        storage.fireRecurring(record.id(), record.nextFireAt(), plan.newNextFire(), jobs);
    if (results.isEmpty()) {
      log.debug(
          "recurring job '{}': occurrence {} fired elsewhere", record.id(), record.nextFireAt());
      return new Fired(0, 0, plan.newNextFire());
    }
    if (plan.dropped()) {
      log.info(
          "recurring job '{}': occurrences from {} missed; {} per misfire policy {}",
          record.id(),
          record.nextFireAt(),
          plan.occurrences().isEmpty() ? "none fired" : "fired " + plan.occurrences(),
          definition.misfire());
    }
    int createdNow = 0;
    int skippedNow = 0;
    for (int i = 0; i < results.get().size(); i++) {
      CreateResult result = results.get().get(i);
      Instant occurrence = plan.occurrences().get(i);
      if (result.created()) {
        createdNow++;
        log.info(
            "recurring job '{}': occurrence {} created job {}",
            record.id(),
            occurrence,
            result.id());
      } else if (result.id().equals(jobs.get(i).spec().id())) {
        log.debug("recurring job '{}': occurrence {} already created", record.id(), occurrence);
      } else {
        skippedNow++;
        log.info(
            "recurring job '{}': occurrence {} skipped, previous run {} is still {}",
            record.id(),
            occurrence,
            result.id(),
            result.state());
      }
    }
    created.addAndGet(createdNow);
    skipped.addAndGet(skippedNow);
    return new Fired(createdNow, skippedNow, plan.newNextFire());
  }

  /** Jobs created by this plugin since it was built. */
  public long createdCount() {
    return created.get();
  }

  /** Occurrences skipped because the previous run was still active, since this plugin was built. */
  public long skippedCount() {
    return skipped.get();
  }

  /**
   * The result of one pass.
   *
   * @param created jobs created
   * @param skipped occurrences skipped by the overlap policy (a duplicate of an active run)
   * @param nearestDue the earliest next fire time of an unpaused recurring job, or null if none
   */
  public record Tick(int created, int skipped, Instant nearestDue) {}

  private record Fired(int created, int skipped, Instant newNextFire) {}
}
