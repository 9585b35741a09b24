package dev.baton.filter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.job.JobContext;
import dev.baton.job.RetryBackoff;
import dev.baton.json.JsonCodec;
import dev.baton.storage.JobSpec;
import dev.baton.storage.RunOutcome;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a failed run into a retry while attempts remain: the candidate {@link RunOutcome.Failed}
 * becomes {@link RunOutcome.Retry} after the job's {@link RetryBackoff} (kept in the spec's meta
 * JSON under {@value #META_KEY}; {@link RetryBackoff#DEFAULT} if absent), until {@link
 * JobSpec#maxAttempts()} runs were spent; then the job stays failed. Failures that are not {@link
 * ElectContext#retryable() retryable} (unknown type, unreadable arguments) are never retried.
 *
 * <p>Installed by default in every server, before any user filter.
 */
public final class RetryFilter implements JobFilter {
  /** The meta JSON key under which the client stores a job's backoff. */
  public static final String META_KEY = "retryBackoff";

  private static final Logger log = LoggerFactory.getLogger(RetryFilter.class);

  private final JsonCodec json;
  private final DoubleSupplier random;

  public RetryFilter() {
    this(new JsonCodec(), () -> ThreadLocalRandom.current().nextDouble());
  }

  /** With a given codec and jitter source (tests pass a fixed value). */
  public RetryFilter(JsonCodec json, DoubleSupplier random) {
    this.json = json;
    this.random = random;
  }

  @Override
  public void onElect(ElectContext context) {
    if (!(context.candidate() instanceof RunOutcome.Failed failed) || !context.retryable()) {
      return;
    }
    JobContext job = context.job();
    if (job.attempt() >= job.maxAttempts()) {
      context.candidate(
          new RunOutcome.Failed(
              failed.error(),
              "attempt "
                  + job.attempt()
                  + " of "
                  + job.maxAttempts()
                  + " failed, no attempts left: "
                  + failed.reason()));
      return;
    }
    int next = job.attempt() + 1;
    Duration delay = backoffOf(context.spec()).delayBefore(next, random.getAsDouble());
    context.candidate(
        new RunOutcome.Retry(
            delay,
            failed.error(),
            "attempt "
                + job.attempt()
                + " of "
                + job.maxAttempts()
                + " failed, retry in "
                + delay.toMillis()
                + " ms: "
                + failed.reason()));
  }

  /** The job's backoff, read from its meta JSON; the default if absent or unreadable. */
  public RetryBackoff backoffOf(JobSpec spec) {
    try {
      JsonNode node = json.tree(spec.metaJson()).get(META_KEY);
      if (node == null || node.isNull()) {
        return RetryBackoff.DEFAULT;
      }
      return json.mapper().treeToValue(node, RetryBackoff.class);
    } catch (Exception e) {
      log.warn(
          "job {} has an unreadable retry backoff in its meta {}; using the default: {}",
          spec.id(),
          spec.metaJson(),
          e.toString());
      return RetryBackoff.DEFAULT;
    }
  }
}
