package dev.baton.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.json.JsonCodec;
import dev.baton.storage.JobSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

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

  /** The meta JSON key of a job's headers (an object of strings), see {@link #headers}. */
  public static final String HEADERS_KEY = "headers";

  public static final int MAX_HEADER_KEY_CHARS = 100;
  public static final int MAX_HEADER_VALUE_CHARS = 1_000;

  private JobMeta() {}

  /** {@code spec} with {@code headers} in its meta JSON (unchanged when there are none). */
  public static JobSpec withHeaders(JsonCodec json, JobSpec spec, Map<String, String> headers) {
    if (headers.isEmpty()) {
      return spec;
    }
    ObjectNode meta = (ObjectNode) json.tree(spec.metaJson());
    ObjectNode h = meta.putObject(HEADERS_KEY);
    headers.forEach(h::put);
    return withMeta(json, spec, meta);
  }

  /**
   * The headers a {@link ClientListener} added when the job was created; empty if none (or the meta
   * is unreadable).
   */
  public static Map<String, String> headers(JsonCodec json, JobSpec spec) {
    if (spec.metaJson().length() <= 2) {
      return Map.of();
    }
    try {
      JsonNode node = json.tree(spec.metaJson()).get(HEADERS_KEY);
      if (node == null || !node.isObject()) {
        return Map.of();
      }
      Map<String, String> out = new LinkedHashMap<>();
      node.fields()
          .forEachRemaining(
              e -> {
                if (e.getValue().isTextual()) {
                  out.put(e.getKey(), e.getValue().asText());
                }
              });
      return out;
    } catch (RuntimeException e) {
      return Map.of();
    }
  }

  private static JobSpec withMeta(JsonCodec json, JobSpec spec, ObjectNode meta) {
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
   * {@code spec} with its scheduled time or delay in its meta JSON (unchanged when both are null),
   * for {@link #readyAt}.
   */
  public static JobSpec withSchedule(JsonCodec json, JobSpec spec, Instant runAt, Duration delay) {
    if (runAt == null && delay == null) {
      return spec;
    }
    ObjectNode meta = (ObjectNode) json.tree(spec.metaJson());
    if (runAt != null) {
      meta.put(RUN_AT_KEY, runAt.toEpochMilli());
    } else {
      meta.put(DELAY_KEY, delay.toMillis());
    }
    return withMeta(json, spec, meta);
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
