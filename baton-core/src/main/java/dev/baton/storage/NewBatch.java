package dev.baton.storage;

import dev.baton.job.BatchId;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A batch to create: its members and, optionally, the continuation that starts when they have
 * finished (see {@link BatchStorage#createBatch}). Members and the continuation have no parent and
 * no uniqueness key, and all ids are distinct; checked here, so every storage gets the same answer.
 *
 * @param continuation the batch continuation, or null for none
 * @param continueOn with a continuation: when it starts; otherwise null
 */
public record NewBatch(
    BatchId id, List<NewJob> members, NewJob continuation, ContinuationCondition continueOn) {
  /** Most members one batch may have. */
  public static final int MAX_MEMBERS = 10_000;

  public NewBatch {
    Objects.requireNonNull(id, "id");
    members = List.copyOf(Objects.requireNonNull(members, "members"));
    if (members.isEmpty() || members.size() > MAX_MEMBERS) {
      throw new IllegalArgumentException(
          "batch " + id + " must have 1 to " + MAX_MEMBERS + " members, got " + members.size());
    }
    Set<Object> ids = new HashSet<>();
    for (NewJob m : members) {
      check(id, m, "member");
      if (!ids.add(m.spec().id())) {
        throw new IllegalArgumentException(
            "batch " + id + " has job " + m.spec().id() + " more than once");
      }
    }
    if (continuation != null) {
      check(id, continuation, "continuation");
      if (ids.contains(continuation.spec().id())) {
        throw new IllegalArgumentException(
            "batch " + id + ": its continuation " + continuation.spec().id() + " is also a member");
      }
      continueOn = continueOn == null ? ContinuationCondition.ON_SUCCESS : continueOn;
    } else {
      continueOn = null;
    }
  }

  private static void check(BatchId batch, NewJob job, String role) {
    JobSpec s = job.spec();
    if (s.parent() != null) {
      throw new IllegalArgumentException(
          "batch "
              + batch
              + ": "
              + role
              + " "
              + s.id()
              + " ("
              + s.type()
              + ") must not continue another job; a batch continuation continues the batch");
    }
    if (s.unique() != null) {
      throw new IllegalArgumentException(
          "batch "
              + batch
              + ": "
              + role
              + " "
              + s.id()
              + " ("
              + s.type()
              + ") must not have a uniqueness key; a batch cannot wait for a job it does not own");
    }
  }

  /** Every job to create: the members in order, then the continuation if there is one. */
  public List<NewJob> jobs() {
    if (continuation == null) {
      return members;
    }
    List<NewJob> all = new java.util.ArrayList<>(members);
    all.add(continuation);
    return all;
  }
}
