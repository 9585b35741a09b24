package dev.baton.client;

import dev.baton.job.JobId;
import dev.baton.job.JobOptions;
import dev.baton.job.JobType;
import dev.baton.storage.ContinuationCondition;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One job of a batch for {@link BatonClient#enqueueAll}. Its id is chosen up front, so a later
 * request of the same batch can continue it:
 *
 * <pre>{@code
 * JobRequest fetch = JobRequest.of(FETCH, args);
 * JobRequest index = JobRequest.of(INDEX, more).continuing(fetch.id());
 * client.enqueueAll(List.of(fetch, index));
 * }</pre>
 */
public final class JobRequest {
  private final JobId id;
  private final JobType<?> type;
  private final Object args;
  private final JobOptions options;
  private final Instant runAt;
  private final Duration delay;
  private final JobId parent;
  private final ContinuationCondition continueOn;

  private JobRequest(
      JobId id,
      JobType<?> type,
      Object args,
      JobOptions options,
      Instant runAt,
      Duration delay,
      JobId parent,
      ContinuationCondition continueOn) {
    this.id = Objects.requireNonNull(id, "id");
    this.type = Objects.requireNonNull(type, "type");
    this.args = args;
    this.options = Objects.requireNonNull(options, "options");
    if (runAt != null && delay != null) {
      throw new IllegalArgumentException(
          "job " + type.name() + ": give a run time or a delay, not both");
    }
    if (delay != null && delay.isNegative()) {
      throw new IllegalArgumentException(
          "job " + type.name() + ": delay must not be negative, got " + delay);
    }
    this.runAt = runAt;
    this.delay = delay;
    this.parent = parent;
    this.continueOn =
        parent == null ? null : continueOn == null ? ContinuationCondition.ON_SUCCESS : continueOn;
  }

  /** A job of {@code type} to enqueue now, with a fresh id. */
  public static <A> JobRequest of(JobType<A> type, A args) {
    return new JobRequest(JobId.newId(), type, args, JobOptions.NONE, null, null, null, null);
  }

  public JobRequest withId(JobId newId) {
    return new JobRequest(newId, type, args, options, runAt, delay, parent, continueOn);
  }

  public JobRequest withOptions(JobOptions newOptions) {
    return new JobRequest(id, type, args, newOptions, runAt, delay, parent, continueOn);
  }

  /** Run at {@code time} (SCHEDULED until then). */
  public JobRequest at(Instant time) {
    return new JobRequest(
        id, type, args, options, Objects.requireNonNull(time, "time"), null, parent, continueOn);
  }

  /** Run {@code delay} from now, measured on the storage's clock. */
  public JobRequest after(Duration delay) {
    return new JobRequest(
        id, type, args, options, null, Objects.requireNonNull(delay, "delay"), parent, continueOn);
  }

  /** Start when {@code parentId} succeeds. */
  public JobRequest continuing(JobId parentId) {
    return continuing(parentId, ContinuationCondition.ON_SUCCESS);
  }

  /** Start when {@code parentId} meets {@code condition}. */
  public JobRequest continuing(JobId parentId, ContinuationCondition condition) {
    return new JobRequest(
        id,
        type,
        args,
        options,
        runAt,
        delay,
        Objects.requireNonNull(parentId, "parentId"),
        condition);
  }

  public JobId id() {
    return id;
  }

  public JobType<?> type() {
    return type;
  }

  public Object args() {
    return args;
  }

  public JobOptions options() {
    return options;
  }

  public Instant runAt() {
    return runAt;
  }

  public Duration delay() {
    return delay;
  }

  public JobId parent() {
    return parent;
  }

  public ContinuationCondition continueOn() {
    return continueOn;
  }
}
