package dev.baton.recurring;

import dev.baton.client.JobSpecFactory;
import dev.baton.job.JobId;
import dev.baton.job.JobType;
import dev.baton.json.JsonCodec;
import dev.baton.storage.CreateResult;
import dev.baton.storage.JobSpec;
import dev.baton.storage.JobStorage;
import dev.baton.storage.RecurringRecord;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Defines and steers recurring jobs. Definitions live in the storage, so any client can manage them
 * and every server running a {@link RecurringPlugin} fires them.
 *
 * <pre>{@code
 * recurring.addOrUpdate("nightly-report", "0 2 * * *", REPORT, new ReportArgs("daily"),
 *     RecurringOptions.builder().zone(ZoneId.of("Europe/Paris")).build());
 * }</pre>
 *
 * Changes are read-modify-write on one record and are not atomic against a concurrent change of the
 * same recurring job; the deterministic occurrence ids make sure a race never creates an
 * occurrence's job twice.
 */
public final class RecurringJobs {
  private static final Logger log = LoggerFactory.getLogger(RecurringJobs.class);

  private final JobStorage storage;
  private final JobSpecFactory specs;
  private final JsonCodec json;

  public RecurringJobs(JobStorage storage, JobSpecFactory specs) {
    this.storage = storage;
    this.specs = specs;
    this.json = specs.json();
  }

  /** {@link #addOrUpdate(String, String, JobType, Object, RecurringOptions)} with the defaults. */
  public <A> RecurringJobInfo addOrUpdate(String id, String cron, JobType<A> type, A args) {
    return addOrUpdate(id, cron, type, args, RecurringOptions.DEFAULTS);
  }

  /**
   * Creates or replaces the recurring job {@code id}. A new job, or one whose cron or zone changed,
   * next fires at the first occurrence after now; otherwise the schedule, the paused flag and the
   * last run are kept.
   *
   * @throws IllegalArgumentException for an invalid id or cron expression (the message names both)
   */
  public <A> RecurringJobInfo addOrUpdate(
      String id, String cron, JobType<A> type, A args, RecurringOptions options) {
    RecurringJob.validateId(id);
    JobSpec spec =
        specs.build(
            JobId.nameBased(RecurringJob.KEY_PREFIX + id),
            type,
            args,
            options.jobOptions(),
            null,
            null);
    RecurringJob definition = RecurringJob.of(id, cron, options, spec);
    Optional<RecurringRecord> existing = record(id);
    Instant now = storage.now();
    Instant next;
    if (existing.isPresent() && sameSchedule(existing.get(), definition)) {
      next = existing.get().nextFireAt();
    } else {
      next = definition.schedule().nextAfter(now).orElseThrow();
    }
    boolean paused = existing.map(RecurringRecord::paused).orElse(false);
    RecurringRecord saved =
        new RecurringRecord(
            id,
            definition.toJson(),
            next,
            paused,
            existing.map(RecurringRecord::lastFireAt).orElse(null),
            existing.map(RecurringRecord::lastJobId).orElse(null));
    storage.saveRecurring(saved);
    log.info(
        "recurring job '{}' {}: {} {}, next at {}",
        id,
        existing.isPresent() ? "updated" : "added",
        type.name(),
        definition.schedule(),
        next);
    return info(saved, definition);
  }

  private boolean sameSchedule(RecurringRecord record, RecurringJob definition) {
    try {
      RecurringJob old = RecurringJob.fromJson(record.definitionJson());
      return old.cron().equals(definition.cron()) && old.zone().equals(definition.zone());
    } catch (RuntimeException unreadable) {
      return false;
    }
  }

  /** Removes the recurring job; jobs it already created are untouched. False if unknown. */
  public boolean remove(String id) {
    boolean removed = storage.removeRecurring(id);
    if (removed) {
      log.info("recurring job '{}' removed", id);
    }
    return removed;
  }

  /**
   * Creates a job from the recurring job's template now, outside the schedule (the next scheduled
   * occurrence is unchanged). The overlap policy applies: with SKIP, the result is a duplicate
   * naming the active run if there is one. A created job becomes the recurring job's last run
   * ({@link RecurringJobInfo#lastJobId}). Empty if the recurring job is unknown.
   */
  public Optional<CreateResult> triggerNow(String id) {
    return record(id)
        .map(
            r -> {
              RecurringJob definition = RecurringJob.fromJson(r.definitionJson());
              CreateResult result = storage.create(List.of(definition.triggered(json))).get(0);
              log.info("recurring job '{}' triggered now: {}", id, result);
              recordLastRun(id, result);
              return result;
            });
  }

  /**
   * Shows a triggered run as the last run, so dashboards and {@link #list} point at it. Read again
   * just before writing: the schedule a plugin may have moved on meanwhile is kept.
   */
  private void recordLastRun(String id, CreateResult result) {
    if (!result.created()) {
      return;
    }
    record(id)
        .ifPresent(
            r ->
                storage.saveRecurring(
                    new RecurringRecord(
                        id,
                        r.definitionJson(),
                        r.nextFireAt(),
                        r.paused(),
                        storage.now(),
                        result.id())));
  }

  /** Stops firing the recurring job until {@link #resume}. False if unknown. */
  public boolean pause(String id) {
    return setPaused(id, true);
  }

  /**
   * Fires the recurring job again, from the first occurrence after now: occurrences that fell in
   * the pause are not caught up. False if unknown.
   */
  public boolean resume(String id) {
    return setPaused(id, false);
  }

  private boolean setPaused(String id, boolean paused) {
    Optional<RecurringRecord> found = record(id);
    if (found.isEmpty()) {
      return false;
    }
    RecurringRecord r = found.get();
    Instant next = r.nextFireAt();
    if (!paused && r.paused()) {
      RecurringJob definition = RecurringJob.fromJson(r.definitionJson());
      next = definition.schedule().nextAfter(storage.now()).orElse(next);
    }
    storage.saveRecurring(
        new RecurringRecord(id, r.definitionJson(), next, paused, r.lastFireAt(), r.lastJobId()));
    log.info("recurring job '{}' {}", id, paused ? "paused" : "resumed, next at " + next);
    return true;
  }

  /** Every recurring job, ordered by id. */
  public List<RecurringJobInfo> list() {
    return storage.recurringJobs().stream()
        .map(r -> info(r, RecurringJob.fromJson(r.definitionJson())))
        .toList();
  }

  /** One recurring job, or empty if unknown. */
  public Optional<RecurringJobInfo> find(String id) {
    return record(id).map(r -> info(r, RecurringJob.fromJson(r.definitionJson())));
  }

  private Optional<RecurringRecord> record(String id) {
    return storage.recurringJobs().stream().filter(r -> r.id().equals(id)).findFirst();
  }

  private static RecurringJobInfo info(RecurringRecord r, RecurringJob definition) {
    return new RecurringJobInfo(
        definition, r.paused(), r.nextFireAt(), r.lastFireAt(), r.lastJobId());
  }
}
