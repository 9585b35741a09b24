package dev.baton.storage.memory;

import dev.baton.state.JobState;
import dev.baton.storage.JobCursor;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * Every job by state, newest state change first (ties by id, descending): what lets a dashboard's
 * search read a bounded number of candidates from any cursor, however many jobs are stored. Kept
 * true by {@link JobTable#move} and {@link JobTable#remove}. Not thread-safe: used under the
 * storage lock.
 */
final class Listing {
  static final Comparator<JobCursor> NEWEST_FIRST =
      Comparator.comparing(JobCursor::stateAt).thenComparing(JobCursor::id).reversed();

  private final Map<JobState, TreeMap<JobCursor, JobEntry>> byState = new EnumMap<>(JobState.class);

  /** Drops {@code job} from the listing of its current state (before its state changes). */
  void remove(JobEntry job) {
    if (job.state != null) {
      TreeMap<JobCursor, JobEntry> jobs = byState.get(job.state);
      if (jobs != null) {
        jobs.remove(new JobCursor(job.stateAt, job.id()));
      }
    }
  }

  /** Lists {@code job} under its current state and state time. */
  void add(JobEntry job) {
    byState
        .computeIfAbsent(job.state, k -> new TreeMap<>(NEWEST_FIRST))
        .put(new JobCursor(job.stateAt, job.id()), job);
  }

  /**
   * The jobs in {@code state} (null: every state) strictly after {@code after} (null: from the
   * newest), newest first. A live view: read it whole before changing the table.
   */
  Iterator<Map.Entry<JobCursor, JobEntry>> after(JobState state, JobCursor after) {
    if (state != null) {
      TreeMap<JobCursor, JobEntry> jobs = byState.get(state);
      return jobs == null
          ? List.<Map.Entry<JobCursor, JobEntry>>of().iterator()
          : tail(jobs, after);
    }
    return new Merged(byState.values().stream().map(jobs -> tail(jobs, after)).toList());
  }

  private static Iterator<Map.Entry<JobCursor, JobEntry>> tail(
      TreeMap<JobCursor, JobEntry> jobs, JobCursor after) {
    return (after == null ? jobs : jobs.tailMap(after, false)).entrySet().iterator();
  }

  /** The newest-first merge of several newest-first iterators (one per state). */
  private static final class Merged implements Iterator<Map.Entry<JobCursor, JobEntry>> {
    private record Head(
        Map.Entry<JobCursor, JobEntry> entry, Iterator<Map.Entry<JobCursor, JobEntry>> rest) {}

    private final PriorityQueue<Head> heads =
        new PriorityQueue<>((a, b) -> NEWEST_FIRST.compare(a.entry.getKey(), b.entry.getKey()));

    Merged(List<Iterator<Map.Entry<JobCursor, JobEntry>>> sources) {
      sources.forEach(this::advance);
    }

    private void advance(Iterator<Map.Entry<JobCursor, JobEntry>> source) {
      if (source.hasNext()) {
        heads.add(new Head(source.next(), source));
      }
    }

    @Override
    public boolean hasNext() {
      return !heads.isEmpty();
    }

    @Override
    public Map.Entry<JobCursor, JobEntry> next() {
      Head head = heads.poll();
      if (head == null) {
        throw new NoSuchElementException();
      }
      advance(head.rest);
      return head.entry;
    }
  }
}
