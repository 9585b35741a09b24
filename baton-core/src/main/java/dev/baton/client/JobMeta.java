package dev.baton.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.json.JsonCodec;
import dev.baton.storage.JobSpec;
import java.time.Duration;
import java.time.Instant;

/** Reads what the core keeps in a job's meta JSON, besides the retry backoff. */
public final class JobMeta {
  /** The meta JSON key of a job's execution timeout, in milliseconds. */
  public static final String TIMEOUT_KEY = "timeoutMs";

  /**
   * The meta JSON key of a job scheduled for a time: that time, epoch milliseconds. Written by the
   * client for scheduled jobs only, so a server can tell a job's queue wait from its scheduled
   * delay.
   */
  public static final String RUN_AT_KEY = "runAtMs";

  /**
   * The meta JSON key of a job scheduled after a delay (on the storage's clock, from creation), in
   * milliseconds; see {@link #RUN_AT_KEY}.
   */
  public static final String DELAY_KEY = "delayMs";

  private JobMeta() {}

  /**
   * {@code spec} with its scheduled time or delay in its meta JSON (unchanged when both are null),
   * for {@link #readyAt}.
   */
  public static JobSpec withSchedule(JsonCodec json, JobSpec spec, Instant runAt, Duration delay) {
    if (runAt == null && delay == null) {
      return spec;
    }
    com.fasterxml.jackson.databind.node.ObjectNode meta =
        (com.fasterxml.jackson.databind.node.ObjectNode) json.tree(spec.metaJson());
    if (runAt != null) {
      meta.put(RUN_AT_KEY, runAt.toEpochMilli());
    } else {
      meta.put(DELAY_KEY, delay.toMillis());
    }
    return new JobSpec(
        spec.id(),
        spec.type(),
        spec.queue(),
        spec.argsJson(),
        json.write(meta),
        spec.maxAttempts(),
        spec.parent(),
        spec.continueOn(),
        spec.concurrency(),
        spec.unique());
  }

  /**
   * When a job created at {@code createdAt} (storage clock) first became ready to run: its
   * scheduled time if it was scheduled through a client, else its creation. Null if {@code
   * createdAt} is.
   */
  public static Instant readyAt(JsonCodec json, JobSpec spec, Instant createdAt) {
    if (createdAt == null || spec.metaJson().length() <= 2) {
      return createdAt;
    }
    try {
      JsonNode meta = json.tree(spec.metaJson());
      JsonNode runAt = meta.get(RUN_AT_KEY);
      if (runAt != null && runAt.canConvertToLong()) {
        Instant at = Instant.ofEpochMilli(runAt.asLong());
        return at.isAfter(createdAt) ? at : createdAt;
      }
      JsonNode delay = meta.get(DELAY_KEY);
      if (delay != null && delay.canConvertToLong() && delay.asLong() > 0) {
        return createdAt.plusMillis(delay.asLong());
      }
    } catch (RuntimeException e) {
      // unreadable meta: the creation time is the best guess
    }
    return createdAt;
  }

  /** The job's execution timeout, or null if it has none (or the meta is unreadable). */
  public static Duration timeout(JsonCodec json, JobSpec spec) {
    if (spec.metaJson().length() <= 2) {
      return null; // "{}": nearly every job
    }
    try {
      JsonNode node = json.tree(spec.metaJson()).get(TIMEOUT_KEY);
      return node != null && node.canConvertToLong() && node.asLong() > 0
          ? Duration.ofMillis(node.asLong())
          : null;
    } catch (RuntimeException e) {
      return null;
    }
  }
}
