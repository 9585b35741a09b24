package dev.baton.examples.spring;

import dev.baton.job.JobContext;
import dev.baton.job.JobType;
import dev.baton.spring.BatonJobHandler;
import java.time.Duration;

/** Runs a {@link SampleJobs.Work} job: works for its length, stopping early when cancelled. */
final class WorkHandler implements BatonJobHandler<SampleJobs.Work> {
  private final JobType<SampleJobs.Work> type;

  WorkHandler(JobType<SampleJobs.Work> type) {
    this.type = type;
  }

  @Override
  public JobType<SampleJobs.Work> jobType() {
    return type;
  }

  @Override
  public void run(SampleJobs.Work work, JobContext ctx) throws InterruptedException {
    ctx.log().info("started, working for {}", Duration.ofMillis(work.millis()));
    long end = System.nanoTime() + Duration.ofMillis(work.millis()).toNanos();
    while (System.nanoTime() < end) {
      // Checked often, so deleting the job from the dashboard stops it within a moment.
      ctx.throwIfCancellationRequested();
      Thread.sleep(50);
    }
    ctx.log().info("finished");
  }
}
