package dev.baton.storage;

import dev.baton.job.BatchId;
import java.util.List;
import java.util.Optional;

/**
 * Batches: groups of jobs created together, with a continuation that starts when they have
 * finished. An optional capability of a {@link JobStorage} (every storage Baton ships has it).
 *
 * <p><b>Counting.</b> A storage keeps per batch the number of members now SUCCEEDED, FAILED and
 * DELETED, and changes them in the same atomic step as every member transition that enters or
 * leaves one of those states (a finish, a delete, a wait policy's timeout, a requeue of a finished
 * member): the counts follow the states, so a requeued member is never counted twice.
 *
 * <p><b>The continuation</b> waits AWAITING. In the step that changes the counts, while it is still
 * AWAITING: with {@link ContinuationCondition#ON_SUCCESS} it starts (ENQUEUED, or SCHEDULED if its
 * run time is ahead) once every member is SUCCEEDED and is deleted (with its own continuations, as
 * a continuation of a deleted parent) once any member is DELETED, and keeps waiting while a member
 * is FAILED; with {@link ContinuationCondition#ON_ANY_FINAL} it starts once no member is pending.
 * It leaves AWAITING at most once; later member moves change only the counts.
 */
public interface BatchStorage {
  /**
   * Creates the batch in ONE atomic step: the batch record, every member (ENQUEUED or SCHEDULED as
   * its schedule says; never handed over) and the continuation (AWAITING), or nothing. Unlike
   * {@link JobStorage#create}, an id that exists already (of the batch, a member or the
   * continuation) is an {@link IllegalArgumentException} and nothing is written. Listeners hear
   * {@code jobsAvailable} for the queues that got ENQUEUED members.
   *
   * @return one result per job, in {@link NewBatch#jobs()} order: members, then the continuation
   */
  List<CreateResult> createBatch(NewBatch batch);

  /** The batch with its counts and its continuation's state, or empty if unknown. */
  Optional<BatchRecord> batch(BatchId id);
}
