package dev.baton.storage;

import dev.baton.concurrency.Concurrency;
import dev.baton.concurrency.Uniqueness;
import dev.baton.job.JobId;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a job is, fixed at creation: identity, type, queue, arguments and the options a storage must
 * enforce. Storages store every field; {@code metaJson} is opaque to them (the core keeps retry
 * backoff, the recurring id and similar there).
 *
 * @param type the stable job type name, e.g. {@code download-video}
 * @param argsJson the arguments as JSON text
 * @param metaJson core-private JSON object, never interpreted by storages; "{}" when empty
 * @param maxAttempts runs allowed before the job fails for good, at least 1
 * @param parent the job this one continues, or null
 * @param continueOn with a parent: when to start; otherwise null
 * @param unique the uniqueness claim, or null
 */
public record JobSpec(
    JobId id,
    String type,
    String queue,
    String argsJson,
    String metaJson,
    int maxAttempts,
    JobId parent,
    ContinuationCondition continueOn,
    Concurrency concurrency,
    Uniqueness unique) {

  /** Job type names: letters, digits and {@code . _ : -}, 1 to 100 characters. */
  public static final Pattern TYPE_NAME = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

  /** Queue names: lower-case letters, digits, {@code _ -}, 1 to 50 characters. */
  public static final Pattern QUEUE_NAME = Pattern.compile("[a-z0-9_-]{1,50}");

  public static final String DEFAULT_QUEUE = "default";

  public JobSpec {
    Objects.requireNonNull(id, "id");
    if (!isTypeName(type)) {
      throw new IllegalArgumentException(
          "job type name must match " + TYPE_NAME + ", got '" + type + "'");
    }
    if (!isQueueName(queue)) {
      throw new IllegalArgumentException(
          "queue name must match " + QUEUE_NAME + ", got '" + queue + "'");
    }
    Objects.requireNonNull(argsJson, "argsJson");
    metaJson = metaJson == null || metaJson.isEmpty() ? "{}" : metaJson;
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
    if (parent != null && continueOn == null) {
      continueOn = ContinuationCondition.ON_SUCCESS;
    }
    if (parent == null) {
      continueOn = null;
    }
    concurrency = concurrency == null ? Concurrency.NONE : concurrency;
  }

  /**
   * Whether {@code name} matches {@link #TYPE_NAME}. By hand, not by the pattern: every job a
   * storage hands out is checked again when its spec is built, and a matcher costs a claim more
   * than the rest of its bookkeeping in the JVM.
   */
  public static boolean isTypeName(String name) {
    return isName(name, 100, true, "._:-");
  }

  /** Whether {@code name} matches {@link #QUEUE_NAME} (by hand, as {@link #isTypeName}). */
  public static boolean isQueueName(String name) {
    return isName(name, 50, false, "_-");
  }

  /** 1 to {@code max} of: lower-case letters, digits, upper-case if allowed, and {@code marks}. */
  private static boolean isName(String name, int max, boolean upperCase, String marks) {
    if (name == null || name.isEmpty() || name.length() > max) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || (upperCase && c >= 'A' && c <= 'Z')
              || marks.indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** The same spec under another id (recurring templates are stored with a placeholder id). */
  public JobSpec withId(JobId newId) {
    return new JobSpec(
        newId,
        type,
        queue,
        argsJson,
        metaJson,
        maxAttempts,
        parent,
        continueOn,
        concurrency,
        unique);
  }
}
