package dev.baton.storage;

import java.util.List;

/**
 * One page of a {@link JobSearch}: the matching jobs (without history or logs) and where the next
 * page starts.
 *
 * @param items matching jobs, newest state change first
 * @param next where to go on, or null when the listing is exhausted; a page may be short (even
 *     empty) and still have a next cursor when the search's scan budget ran out first
 * @param scanned how many candidate jobs the storage read for this page
 */
public record JobPage(List<JobRecord> items, JobCursor next, int scanned) {
  public JobPage {
    items = List.copyOf(items);
  }
}
