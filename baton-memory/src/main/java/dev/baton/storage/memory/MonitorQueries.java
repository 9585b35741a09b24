package dev.baton.storage.memory;

import dev.baton.job.JobId;
import dev.baton.storage.JobCursor;
import dev.baton.storage.JobPage;
import dev.baton.storage.JobRecord;
import dev.baton.storage.JobSearch;
import dev.baton.storage.LogLine;
import dev.baton.storage.LogPage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboard's reads of the job table: bounded searches, one job, log windows and continuations.
 * Not thread-safe: used under the storage lock.
 */
final class MonitorQueries {
  /** Most log lines or continuations read at once. */
  static final int MAX_READ = 1_000;

  private final JobTable table;

  MonitorQueries(JobTable table) {
    this.table = table;
  }

  /**
   * Walks the listing from the cursor, reading at most the scan budget; the next cursor is the last
   * job read, unless the listing ended.
   */
  JobPage search(JobSearch search) {
    Iterator<Map.Entry<JobCursor, JobEntry>> candidates =
        table.listing.after(search.state(), search.after());
    List<JobRecord> items = new ArrayList<>();
    JobCursor last = null;
    int scanned = 0;
    while (candidates.hasNext() && scanned < search.scanLimit() && items.size() < search.limit()) {
      Map.Entry<JobCursor, JobEntry> candidate = candidates.next();
      scanned++;
      last = candidate.getKey();
      JobEntry job = candidate.getValue();
      // The filter needs only the spec and state time: no block info for jobs that do not match.
      if (search.matches(job.toRecord(null, false))) {
        items.add(table.record(job, false));
      }
    }
    return new JobPage(items, candidates.hasNext() ? last : null, scanned);
  }

  Optional<JobRecord> job(JobId id) {
    return Optional.ofNullable(table.get(id)).map(j -> table.record(j, true, false));
  }

  LogPage logs(JobId id, long from, int limit) {
    checkLimit(limit);
    JobEntry job = table.get(id);
    List<LogLine> lines = job == null ? List.of() : job.logs;
    int total = lines.size();
    long start = from < 0 ? Math.max(0, total - limit) : from;
    int begin = (int) Math.min(start, total);
    int end = (int) Math.min(start + limit, total);
    return new LogPage(lines.subList(begin, end), start, total);
  }

  List<JobRecord> continuations(JobId parent, int limit) {
    checkLimit(limit);
    List<JobRecord> out = new ArrayList<>();
    for (JobId id : table.children(parent, limit)) {
      out.add(table.record(table.get(id), false));
    }
    return out;
  }

  static void checkLimit(int limit) {
    if (limit < 1 || limit > MAX_READ) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_READ + ", got " + limit);
    }
  }
}
