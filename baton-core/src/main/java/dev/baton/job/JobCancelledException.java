package dev.baton.job;

import dev.baton.BatonException;

/** Thrown by {@link JobContext#throwIfCancellationRequested()}; carries the job id and why. */
public class JobCancelledException extends BatonException {
  private final JobId jobId;

  public JobCancelledException(JobId jobId, String reason) {
    super("job " + jobId + " was cancelled: " + reason);
    this.jobId = jobId;
  }

  public JobId jobId() {
    return jobId;
  }
}
