package dev.baton.recurring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.BatonException;
import dev.baton.concurrency.Concurrency;
import dev.baton.concurrency.Permit;
import dev.baton.concurrency.Uniqueness;
import dev.baton.job.JobId;
import dev.baton.json.JsonCodec;
import dev.baton.storage.JobSpec;
import dev.baton.storage.NewJob;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A recurring job's definition, as stored (as JSON) in {@link
 * dev.baton.storage.RecurringRecord#definitionJson()}: the schedule, the policies and the job
 * template every occurrence is created from. The template already carries what the overlap policy
 * needs (a uniqueness key or a mutex named {@code recurring:<id>}).
 *
 * @param template the job every occurrence creates, under a placeholder id
 */
public record RecurringJob(
    String id,
    String cron,
    ZoneId zone,
    JobSpec template,
    MisfirePolicy misfire,
    OverlapPolicy overlap) {

  /** Recurring ids: letters, digits and {@code . _ : -}, 1 to 100 characters. */
  public static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

  /** The stored format: Baton's default mapper, never the application's (see {@link #toJson}). */
  private static final ObjectMapper FORMAT = JsonCodec.defaultMapper();

  /** Prefix of the overlap keys and of the names occurrence ids are derived from. */
  public static final String KEY_PREFIX = "recurring:";

  public RecurringJob {
    validateId(id);
    Objects.requireNonNull(template, "template of recurring job '" + id + "'");
    Objects.requireNonNull(misfire, "misfire policy of recurring job '" + id + "'");
    Objects.requireNonNull(overlap, "overlap policy of recurring job '" + id + "'");
    CronSchedule.parse(id, cron, zone);
  }

  static void validateId(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "recurring job id must match " + ID + ", got '" + id + "'");
    }
  }

  /**
   * A definition whose template is {@code spec} adjusted for the overlap policy: SKIP makes each
   * occurrence hold the uniqueness key {@code recurring:<id>} until it finishes (replacing any
   * uniqueness rule of the job type), QUEUE adds the mutex {@code recurring:<id>}.
   */
  public static RecurringJob of(String id, String cron, RecurringOptions options, JobSpec spec) {
    validateId(id);
    String key = KEY_PREFIX + id;
    Uniqueness unique = spec.unique();
    Concurrency concurrency = spec.concurrency();
    switch (options.overlap()) {
      case SKIP -> unique = new Uniqueness(key, Uniqueness.Hold.UNTIL_FINISH, null);
      case QUEUE -> {
        List<Permit> permits = new ArrayList<>(concurrency.permits());
        permits.add(Permit.mutex(key));
        concurrency =
            new Concurrency(permits, concurrency.waitPolicy(), concurrency.releasePolicy());
      }
      case ALLOW -> {}
    }
    JobSpec template =
        new JobSpec(
            JobId.nameBased(key),
            spec.type(),
            spec.queue(),
            spec.argsJson(),
            spec.metaJson(),
            spec.maxAttempts(),
            null,
            null,
            concurrency,
            unique);
    return new RecurringJob(
        id, cron, options.zone(), template, options.misfire(), options.overlap());
  }

  /** The parsed schedule (validated when this definition was built). */
  public CronSchedule schedule() {
    return CronSchedule.parse(id, cron, zone);
  }

  /**
   * The id of the job for one occurrence: derived from the recurring id and the occurrence time, so
   * every server that fires it names the same job.
   */
  public static JobId occurrenceId(String recurringId, Instant occurrence) {
    return JobId.nameBased(KEY_PREFIX + recurringId + ":" + occurrence);
  }

  /** The job of one occurrence, to be enqueued now. */
  public NewJob occurrence(Instant occurrence, JsonCodec json) {
    JobSpec spec = spec(occurrenceId(id, occurrence), json, "occurrence", occurrence.toString());
    return NewJob.now(spec, "recurring job '" + id + "', occurrence " + occurrence);
  }

  /** A job outside the schedule (triggered by hand), under a fresh id. */
  public NewJob triggered(JsonCodec json) {
    JobSpec spec = spec(JobId.newId(), json, "trigger", "manual");
    return NewJob.now(spec, "recurring job '" + id + "', triggered now");
  }

  /** The template under {@code jobId}, its meta naming this recurring job (and one more field). */
  private JobSpec spec(JobId jobId, JsonCodec json, String field, String value) {
    ObjectNode meta = (ObjectNode) json.tree(template.metaJson()).deepCopy();
    meta.put("recurring", id).put(field, value);
    return new JobSpec(
        jobId,
        template.type(),
        template.queue(),
        template.argsJson(),
        json.write(meta),
        template.maxAttempts(),
        null,
        null,
        template.concurrency(),
        template.unique());
  }

  /**
   * This definition as stored. Definitions are Baton's own data, so they are always written with
   * Baton's default mapper, whatever codec (naming strategy, modules) the application configured:
   * every client and server reads them the same way.
   */
  public String toJson() {
    try {
      return FORMAT.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new BatonException(
          "cannot write recurring job '" + id + "' as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Reads a stored definition. Extra properties are ignored, so definitions written by a newer
   * version (or with derived properties) still read.
   */
  public static RecurringJob fromJson(String text) {
    try {
      return FORMAT
          .readerFor(RecurringJob.class)
          .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .readValue(text);
    } catch (JsonProcessingException e) {
      throw new BatonException(
          "cannot read a recurring job definition: " + e.getOriginalMessage(), e);
    }
  }
}
