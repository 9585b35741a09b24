package dev.baton.dashboard;

import dev.baton.job.JobType;
import java.util.List;

/** Job types the dashboard tests enqueue. */
final class TestJobs {
  record Greet(String name, int times) {}

  record Fail(String why) {}

  record Nothing() {}

  static final JobType<Greet> GREET = JobType.of("greet", Greet.class);
  static final JobType<Fail> FAIL =
      JobType.of("fail", Fail.class).withOptions(o -> o.maxAttempts(1));
  static final JobType<Nothing> NOTHING = JobType.of("nothing", Nothing.class);

  static final List<JobType<?>> ALL = List.of(GREET, FAIL, NOTHING);

  private TestJobs() {}
}
