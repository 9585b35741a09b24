package dev.baton.state;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of a job's history: which state it entered, when (storage clock), on which server and
 * worker, why, and the exception that caused it, if any. This is the log users audit.
 *
 * @param serverId the server that made the transition, or null for a client
 * @param worker the worker name, or null
 * @param reason human-readable why; never null (may be empty)
 * @param exception the failure that caused the transition, or null
 */
public record StateEntry(
    JobState state,
    Instant at,
    String serverId,
    String worker,
    String reason,
    ExceptionInfo exception) {
  public StateEntry {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(at, "at");
    reason = reason == null ? "" : reason;
  }
}
