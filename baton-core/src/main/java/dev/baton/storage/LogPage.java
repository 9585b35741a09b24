package dev.baton.storage;

import java.util.List;

/**
 * A window of one job's log lines, so a log of a hundred thousand lines is read a page at a time.
 *
 * @param lines the lines, oldest first
 * @param from the index (from 0) of the first line returned in the job's whole log
 * @param total how many lines the job has logged in all
 */
public record LogPage(List<LogLine> lines, long from, long total) {
  public LogPage {
    lines = List.copyOf(lines);
  }
}
