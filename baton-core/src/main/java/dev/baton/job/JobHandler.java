package dev.baton.job;

/**
 * The code that runs a job type. Throwing fails the run (and retries it per the job's options);
 * returning normally succeeds it. Long-running handlers should check {@link
 * JobContext#isCancellationRequested()} or register {@link JobContext#onCancel(Runnable)}.
 *
 * @param <A> the argument type, read from the job's JSON arguments
 */
@FunctionalInterface
public interface JobHandler<A> {
  void run(A args, JobContext context) throws Exception;
}
