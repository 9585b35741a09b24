package dev.baton.storage.memory;

import dev.baton.job.BatchId;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.BatchRecord;
import dev.baton.storage.ContinuationCondition;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** The batches' counts, touched only under the storage lock, in the step of each member's move. */
final class Batches {
  /** One batch: its counts follow its members' current states. */
  static final class Entry {
    final BatchId id;
    final int total;
    final JobId continuation;
    final ContinuationCondition continueOn;
    final Instant createdAt;
    int succeeded;
    int failed;
    int deleted;

    Entry(BatchId id, int total, JobId continuation, ContinuationCondition on, Instant at) {
      this.id = id;
      this.total = total;
      this.continuation = continuation;
      this.continueOn = on;
      this.createdAt = at;
    }

    /** A member moved from {@code from} to {@code to}: it leaves one count and enters another. */
    boolean moved(JobState from, JobState to) {
      if (from == to || (!isFinal(from) && !isFinal(to))) {
        return false;
      }
      add(from, -1);
      add(to, 1);
      return true;
    }

    private static boolean isFinal(JobState s) {
      return s != null && s.isFinal();
    }

    private void add(JobState s, int d) {
      if (s == JobState.SUCCEEDED) {
        succeeded += d;
      } else if (s == JobState.FAILED) {
        failed += d;
      } else if (s == JobState.DELETED) {
        deleted += d;
      }
    }

    BatchRecord record(JobState continuationState) {
      return new BatchRecord(
          id,
          total,
          succeeded,
          failed,
          deleted,
          continuation,
          continueOn,
          continuationState,
          createdAt);
    }
  }

  private final Map<BatchId, Entry> byId = new HashMap<>();

  Entry get(BatchId id) {
    return byId.get(id);
  }

  void add(Entry e) {
    byId.put(e.id, e);
  }
}
