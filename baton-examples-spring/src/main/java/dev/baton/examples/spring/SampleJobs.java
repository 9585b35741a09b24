package dev.baton.examples.spring;

import dev.baton.concurrency.UniqueJob;
import dev.baton.job.JobType;

/** The sample's two job types; both share one argument class, so their handlers name them. */
public final class SampleJobs {
  /** What a job does: work for this many milliseconds. */
  public record Work(long millis) {}

  /** No guard: every call creates a job, and they run side by side. */
  public static final JobType<Work> JOB_1 = JobType.of("job-1", Work.class);

  /**
   * One key for every {@code job-2}, held until the job finishes: while one is queued or running,
   * enqueueing another creates nothing and names the existing one.
   */
  public static final JobType<Work> JOB_2 =
      JobType.of("job-2", Work.class).withOptions(o -> o.unique(UniqueJob.byKey("job-2")));

  private SampleJobs() {}
}
