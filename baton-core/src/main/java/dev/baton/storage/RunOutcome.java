package dev.baton.storage;

import dev.baton.state.ExceptionInfo;
import dev.baton.state.JobState;
import java.time.Duration;
import java.util.Objects;

/**
 * How a run ended, as elected by the server (its filters may change the candidate): the target of
 * {@link JobStorage#finish}. Every outcome carries the reason written into the history.
 */
public sealed interface RunOutcome {
  String reason();

  JobState target();

  /** To SUCCEEDED; expires after {@code retention}. */
  record Succeeded(Duration retention, String reason) implements RunOutcome {
    public Succeeded {
      Objects.requireNonNull(retention, "retention");
    }

    public JobState target() {
      return JobState.SUCCEEDED;
    }
  }

  /**
   * To SCHEDULED {@code delay} from now (storage clock), with the attempt counter increased when
   * {@code spendsAttempt} (a failed attempt to retry); without, the job was not really tried (its
   * server has no handler for its type, and it waits for one that has).
   */
  record Retry(Duration delay, ExceptionInfo error, String reason, boolean spendsAttempt)
      implements RunOutcome {
    public Retry {
      Objects.requireNonNull(delay, "delay");
    }

    /** A retry that spends an attempt. */
    public Retry(Duration delay, ExceptionInfo error, String reason) {
      this(delay, error, reason, true);
    }

    /** Put back for later without spending an attempt. */
    public static Retry postpone(Duration delay, String reason) {
      return new Retry(delay, null, reason, false);
    }

    public JobState target() {
      return JobState.SCHEDULED;
    }
  }

  /** To FAILED, for good; stays until deleted or requeued. */
  record Failed(ExceptionInfo error, String reason) implements RunOutcome {
    public JobState target() {
      return JobState.FAILED;
    }
  }

  /** To DELETED (a filter chose it); expires after {@code retention}. */
  record Deleted(Duration retention, String reason) implements RunOutcome {
    public Deleted {
      Objects.requireNonNull(retention, "retention");
    }

    public JobState target() {
      return JobState.DELETED;
    }
  }

  /** Back to ENQUEUED at the head of its queue without spending an attempt (graceful shutdown). */
  record Released(String reason) implements RunOutcome {
    public JobState target() {
      return JobState.ENQUEUED;
    }
  }
}
