package dev.baton.server;

import dev.baton.storage.JobStorage;
import dev.baton.storage.Lease;
import dev.baton.storage.LogLine;
import java.util.ArrayList;
import java.util.List;

/**
 * Progress and log lines a job reported, held briefly so that a chatty job costs a few storage
 * writes, not one per line. Flushed by the server periodically and before the job finishes.
 */
final class ReportBuffer {
  /** Most lines held before the writer flushes on its own. */
  static final int MAX_PENDING_LINES = 100;

  private Integer progress;
  private final List<LogLine> lines = new ArrayList<>();

  synchronized void progress(int percent) {
    progress = percent;
  }

  /** Adds a line; returns true when the buffer is full and should be flushed now. */
  synchronized boolean add(LogLine line) {
    lines.add(line);
    return lines.size() >= MAX_PENDING_LINES;
  }

  synchronized boolean isEmpty() {
    return progress == null && lines.isEmpty();
  }

  /**
   * Writes what is pending under the lease. Returns false if the storage refused it (lease lost);
   * storage errors propagate and the data stays pending for the next flush.
   */
  boolean flush(JobStorage storage, Lease lease) {
    Integer p;
    List<LogLine> batch;
    synchronized (this) {
      if (progress == null && lines.isEmpty()) {
        return true;
      }
      p = progress;
      batch = List.copyOf(lines);
      progress = null;
      lines.clear();
    }
    try {
      return storage.report(lease, p, batch);
    } catch (RuntimeException e) {
      synchronized (this) {
        if (progress == null) {
          progress = p;
        }
        lines.addAll(0, batch);
      }
      throw e;
    }
  }
}
