package dev.baton.client;

import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.CreateResult;
import dev.baton.storage.JobSpec;

/**
 * Hears what a {@link BatonClient} did, after the storage answered: the client-side counterpart of
 * a server's {@link dev.baton.filter.JobFilter}, for metrics and audit. Every method has an empty
 * default. Listeners run on the caller's thread, in the order they were added, and must be quick; a
 * listener that throws is logged and skipped, and the client's call still returns its result.
 *
 * <p>Only what goes through the client is heard: jobs created by recurring triggers, and deletes
 * made on the storage directly (the dashboard's), are not.
 */
public interface ClientListener {
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
