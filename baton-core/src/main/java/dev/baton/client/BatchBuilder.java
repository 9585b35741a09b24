package dev.baton.client;

import dev.baton.job.BatchId;
import dev.baton.job.JobOptions;
import dev.baton.job.JobType;
import dev.baton.storage.ContinuationCondition;
import dev.baton.storage.NewBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A batch being put together ({@link BatonClient#batch()}): members, an optional continuation, then
 * {@link #enqueue()} writes it all in one storage step, all or none. Its id is fixed up front, so
 * the continuation's arguments can carry it. Not thread-safe; enqueues once.
 *
 * <pre>{@code
 * BatchBuilder b = client.batch();
 * images.forEach(i -> b.add(RESIZE, new Resize(i)));
 * BatchResult r = b.then(NOTIFY, new Notify(b.id()), ContinuationCondition.ON_SUCCESS).enqueue();
 * }</pre>
 */
public final class BatchBuilder {
  /** Most members one batch may have. */
  public static final int MAX_MEMBERS = NewBatch.MAX_MEMBERS;

  private final BatonClient client;
  private final BatchId id = BatchId.newId();
  private final List<JobRequest> members = new ArrayList<>();
  private JobRequest continuation;
  private ContinuationCondition continueOn;
  private boolean enqueued;

  BatchBuilder(BatonClient client) {
    this.client = client;
  }

  /** The id the batch will have. */
  public BatchId id() {
    return id;
  }

  public <A> BatchBuilder add(JobType<A> type, A args) {
    return add(JobRequest.of(type, args));
  }

  /** Adds a member with {@code options} laid over its type's defaults. */
  public <A> BatchBuilder add(JobType<A> type, A args, JobOptions options) {
    return add(JobRequest.of(type, args).withOptions(options));
  }

  /** Adds a member (scheduled, with options or a chosen id); it must not continue another job. */
  public BatchBuilder add(JobRequest member) {
    Objects.requireNonNull(member, "member");
    if (member.parent() != null) {
      throw new IllegalArgumentException(
          "batch member of type '" + member.type().name() + "' must not continue another job");
    }
    if (members.size() == MAX_MEMBERS) {
      throw new IllegalArgumentException("a batch has at most " + MAX_MEMBERS + " members");
    }
    members.add(member);
    return this;
  }

  /** The continuation: starts when the members have finished as {@code condition} says. */
  public <A> BatchBuilder then(JobType<A> type, A args, ContinuationCondition condition) {
    return then(JobRequest.of(type, args), condition);
  }

  /** The continuation with {@code options} laid over its type's defaults. */
  public <A> BatchBuilder then(
      JobType<A> type, A args, JobOptions options, ContinuationCondition condition) {
    return then(JobRequest.of(type, args).withOptions(options), condition);
  }

  /** The continuation as a request (it may have a run time: it is then SCHEDULED when released). */
  public BatchBuilder then(JobRequest request, ContinuationCondition condition) {
    Objects.requireNonNull(request, "request");
    if (request.parent() != null) {
      throw new IllegalArgumentException(
          "batch continuation of type '"
              + request.type().name()
              + "' continues the batch, not a job");
    }
    this.continuation = request;
    this.continueOn = Objects.requireNonNull(condition, "condition");
    return this;
  }

  /** Writes the batch: every member and the continuation, in one storage step, or nothing. */
  public BatchResult enqueue() {
    if (enqueued) {
      throw new IllegalStateException("batch " + id + " was enqueued already");
    }
    if (members.isEmpty()) {
      throw new IllegalArgumentException("batch " + id + " has no members; add at least one");
    }
    BatchResult r = client.createBatch(id, members, continuation, continueOn);
    enqueued = true;
    return r;
  }
}
