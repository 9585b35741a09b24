package dev.baton.storage;

import dev.baton.state.JobState;
import java.time.Instant;

/**
 * Which jobs to list for a dashboard or the API, newest state change first, with keyset paging.
 *
 * <p>A storage reads at most {@link #scanLimit} candidate jobs per call before it applies the
 * queue, type, time and text filters, so a call costs the same however many jobs are stored and
 * however rare the matches are. When the budget runs out before {@code limit} matches were found,
 * the page is short and its {@link JobPage#next} cursor says where to go on.
 *
 * @param state the state to list, or null for every state (slower on SQL storages)
 * @param queue only this queue, or null
 * @param type only this job type, or null
 * @param text a job id (an exact match), or a case-insensitive substring of the arguments' JSON;
 *     null or blank for none; at most {@value #MAX_TEXT} characters
 * @param from only jobs that entered their state at or after this instant, or null
 * @param to only jobs that entered their state before this instant, or null
 * @param after the {@link JobPage#next} cursor of the previous page, or null for the first page
 * @param limit most jobs returned, 1..{@value #MAX_LIMIT}
 * @param scanLimit most candidate jobs read, at least {@code limit}, at most {@value
 *     #MAX_SCAN_LIMIT}
 */
public record JobSearch(
    JobState state,
    String queue,
    String type,
    String text,
    Instant from,
    Instant to,
    JobCursor after,
    int limit,
    int scanLimit) {
  public static final int MAX_LIMIT = 500;
  public static final int MAX_TEXT = 200;
  public static final int DEFAULT_SCAN_LIMIT = 5_000;
  public static final int MAX_SCAN_LIMIT = 100_000;

  public JobSearch {
    text = text == null || text.isBlank() ? null : text.strip();
    queue = queue == null || queue.isBlank() ? null : queue;
    type = type == null || type.isBlank() ? null : type;
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ", got " + limit);
    }
    if (scanLimit < limit || scanLimit > MAX_SCAN_LIMIT) {
      throw new IllegalArgumentException(
          "scanLimit must be " + limit + ".." + MAX_SCAN_LIMIT + ", got " + scanLimit);
    }
    if (text != null && text.length() > MAX_TEXT) {
      throw new IllegalArgumentException(
          "search text must be at most " + MAX_TEXT + " characters, got " + text.length());
    }
    if (from != null && to != null && !from.isBefore(to)) {
      throw new IllegalArgumentException("from must be before to, got " + from + " and " + to);
    }
  }

  /** The first page of jobs in {@code state} (null: all), {@code limit} at most. */
  public static JobSearch inState(JobState state, int limit) {
    return new JobSearch(
        state, null, null, null, null, null, null, limit, Math.max(limit, DEFAULT_SCAN_LIMIT));
  }

  public JobSearch withQueue(String newQueue) {
    return new JobSearch(state, newQueue, type, text, from, to, after, limit, scanLimit);
  }

  public JobSearch withType(String newType) {
    return new JobSearch(state, queue, newType, text, from, to, after, limit, scanLimit);
  }

  public JobSearch withText(String newText) {
    return new JobSearch(state, queue, type, newText, from, to, after, limit, scanLimit);
  }

  public JobSearch between(Instant newFrom, Instant newTo) {
    return new JobSearch(state, queue, type, text, newFrom, newTo, after, limit, scanLimit);
  }

  public JobSearch after(JobCursor cursor) {
    return new JobSearch(state, queue, type, text, from, to, cursor, limit, scanLimit);
  }

  public JobSearch withScanLimit(int newScanLimit) {
    return new JobSearch(state, queue, type, text, from, to, after, limit, newScanLimit);
  }

  /** Whether {@code record} passes the queue, type, time and text filters (not state, cursor). */
  public boolean matches(JobRecord record) {
    JobSpec spec = record.spec();
    if (queue != null && !queue.equals(spec.queue())) {
      return false;
    }
    if (type != null && !type.equals(spec.type())) {
      return false;
    }
    if (from != null && record.stateAt().isBefore(from)) {
      return false;
    }
    if (to != null && !record.stateAt().isBefore(to)) {
      return false;
    }
    if (text == null) {
      return true;
    }
    if (spec.id().toString().equalsIgnoreCase(text)) {
      return true;
    }
    return spec.argsJson()
        .toLowerCase(java.util.Locale.ROOT)
        .contains(text.toLowerCase(java.util.Locale.ROOT));
  }
}
