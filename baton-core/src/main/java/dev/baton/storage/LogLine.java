package dev.baton.storage;

import java.time.Instant;

/** A line a job logged through its context, stored with the job. */
public record LogLine(Instant at, String level, String message) {
  /** Longest message kept per line. */
  public static final int MAX_MESSAGE_CHARS = 4_000;

  public LogLine {
    if (message != null && message.length() > MAX_MESSAGE_CHARS) {
      message = message.substring(0, MAX_MESSAGE_CHARS) + "...";
    }
  }
}
