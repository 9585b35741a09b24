package dev.baton.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.json.JsonCodec;
import dev.baton.storage.JobSpec;
import java.time.Duration;

/** Reads what the core keeps in a job's meta JSON, besides the retry backoff. */
public final class JobMeta {
  /** The meta JSON key of a job's execution timeout, in milliseconds. */
  public static final String TIMEOUT_KEY = "timeoutMs";

  private JobMeta() {}

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
