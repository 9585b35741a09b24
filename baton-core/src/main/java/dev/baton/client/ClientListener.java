package dev.baton.client;

import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.CreateResult;
import dev.baton.storage.JobSpec;

/**
 * Hears what a {@link BatonClient} does: before a job is created (to add headers to it) and after
 * the storage answered a create or a delete; the client-side counterpart of a server's {@link
 * dev.baton.filter.JobFilter}, for metrics, tracing and audit. Every method has an empty default.
 * Listeners run on the caller's thread, in the order they were added, and must be quick; a listener
 * that throws is logged and skipped, and the client's call still returns its result.
 *
 * <p>Only what goes through the client is heard: jobs created by recurring triggers, and deletes
 * made on the storage directly (the dashboard's), are not.
 */
public interface ClientListener {
  /**
   * Before the job is created: may add headers, string entries kept with the job (in its meta JSON,
   * which storages store but never read) and readable on the server with {@link JobMeta#headers},
   * for a trace context, a tenant, a request id. Entries with a key over {@value
   * JobMeta#MAX_HEADER_KEY_CHARS} or a value over {@value JobMeta#MAX_HEADER_VALUE_CHARS}
   * characters are dropped with a WARN. A job with no headers stores none.
   *
   * @param headers where to put them ({@code headers.accept(key, value)})
   */
  default void onCreating(JobSpec spec, java.util.function.BiConsumer<String, String> headers) {}

  /**
   * After a create call returned: once per job asked for, in request order, with its result (a
   * duplicate is a result too, see {@link CreateResult#isDuplicate()}).
   */
  default void onCreated(JobSpec spec, CreateResult result) {}

  /**
   * After {@link BatonClient#delete} deleted a job that was in {@code previous}; not called when
   * the job was unknown or already deleted.
   */
  default void onDeleted(JobId id, JobState previous) {}
}
