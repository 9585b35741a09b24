package dev.baton.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.concurrency.KeyResolver;
import dev.baton.filter.RetryFilter;
import dev.baton.job.JobId;
import dev.baton.job.JobOptions;
import dev.baton.job.JobType;
import dev.baton.job.RetryBackoff;
import dev.baton.json.JsonCodec;
import dev.baton.storage.ContinuationCondition;
import dev.baton.storage.JobSpec;

/**
 * Builds the storable {@link JobSpec} of a typed job: arguments to JSON, options merged over the
 * type's defaults, key templates resolved. Shared by the client and the recurring-job API.
 */
public final class JobSpecFactory {
  private final JsonCodec json;
  private final KeyResolver keys;

  public JobSpecFactory(JsonCodec json) {
    this.json = json;
    this.keys = new KeyResolver(json);
  }

  public <A> JobSpec build(
      JobId id,
      JobType<A> type,
      A args,
      JobOptions overrides,
      JobId parent,
      ContinuationCondition continueOn) {
    if (args == null && type.argsType() != Void.class) {
      throw new IllegalArgumentException(
          "job type '"
              + type.name()
              + "': the arguments are null; pass a "
              + type.argsType().getName()
              + " (a record with no components for a job that needs none), or declare the type"
              + " with Void.class to enqueue it with null");
    }
    JobOptions options = type.options().overriddenBy(overrides);
    String argsJson = json.write(args);
    JsonNode tree = json.tree(argsJson);
    return new JobSpec(
        id,
        type.name(),
        options.queue(),
        argsJson,
        metaJson(options),
        options.maxAttempts(),
        parent,
        continueOn,
        keys.concurrency(type.name(), options, tree),
        keys.uniqueness(type.name(), options, tree));
  }

  /**
   * What the core keeps with a job that storages never read: the retry backoff, only when it is not
   * {@link RetryBackoff#DEFAULT} (which {@link RetryFilter} applies when none is stored), and the
   * execution timeout when there is one ({@link JobMeta}). Most jobs so store {@code {}}: ~90 bytes
   * less per job, and on Redis a job hash whose values all stay under 64 bytes keeps the compact
   * listpack encoding.
   */
  private String metaJson(JobOptions options) {
    RetryBackoff backoff = options.retryBackoff();
    java.util.Map<String, Object> meta = new java.util.LinkedHashMap<>();
    if (!backoff.equals(RetryBackoff.DEFAULT)) {
      meta.put(RetryFilter.META_KEY, backoff);
    }
    if (options.timeout() != null) {
      meta.put(JobMeta.TIMEOUT_KEY, options.timeout().toMillis());
    }
    return meta.isEmpty() ? "{}" : json.write(meta);
  }

  public JsonCodec json() {
    return json;
  }
}
