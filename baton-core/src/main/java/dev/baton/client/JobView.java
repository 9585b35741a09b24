package dev.baton.client;

import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.state.StateEntry;
import dev.baton.storage.BlockInfo;
import dev.baton.storage.JobRecord;
import dev.baton.storage.LogLine;
import java.time.Instant;
import java.util.List;

/**
 * A job as the client reads it back: state, attempt, history, stored log lines, progress and what
 * blocks it. {@link #record()} gives the storage's full record (spec, concurrency, uniqueness).
 */
public record JobView(JobRecord record) {
  public JobId id() {
    return record.spec().id();
  }

  public String type() {
    return record.spec().type();
  }

  public String queue() {
    return record.spec().queue();
  }

  public String argsJson() {
    return record.spec().argsJson();
  }

  public JobState state() {
    return record.state();
  }

  /** The attempt of the current or next run, from 1. */
  public int attempt() {
    return record.attempt();
  }

  public int maxAttempts() {
    return record.spec().maxAttempts();
  }

  /** The server running it, while PROCESSING; else null. */
  public String owner() {
    return record.owner();
  }

  public long fencingToken() {
    return record.fencingToken();
  }

  public int progress() {
    return record.progress();
  }

  /** Why a BLOCKED job waits, else null. */
  public BlockInfo blocked() {
    return record.blocked();
  }

  /** Every transition, oldest first. */
  public List<StateEntry> history() {
    return record.history();
  }

  /** The latest history entry. */
  public StateEntry lastEntry() {
    List<StateEntry> h = record.history();
    return h.isEmpty() ? null : h.get(h.size() - 1);
  }

  public List<LogLine> logs() {
    return record.logs();
  }

  public Instant createdAt() {
    return record.createdAt();
  }

  /** When a SCHEDULED job becomes due, else null. */
  public Instant runAt() {
    return record.runAt();
  }

  /** The parent of a continuation, else null. */
  public JobId parent() {
    return record.spec().parent();
  }
}
