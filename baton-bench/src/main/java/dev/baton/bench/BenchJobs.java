package dev.baton.bench;

import dev.baton.job.JobType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The job types the storage benchmarks run. */
final class BenchJobs {
  /** Arguments of a no-op job. */
  public record Noop(int seq) {}

  /** Arguments of a pickup probe: when the client called enqueue, in epoch microseconds. */
  public record Probe(long sentMicros) {}

  /** Arguments of a long job (recovery): how long it works. */
  public record Hold(long millis) {}

  static final JobType<Noop> NOOP = JobType.of("bench-noop", Noop.class);
  static final JobType<Probe> PROBE = JobType.of("bench-probe", Probe.class);
  static final JobType<Hold> HOLD = JobType.of("bench-hold", Hold.class);

  private BenchJobs() {}

  static long nowMicros() {
    return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
  }
}
