package dev.baton.bench;

import dev.baton.client.BatonClient;
import dev.baton.client.JobRequest;
import dev.baton.job.JobOptions;
import dev.baton.job.JobType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

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

  /** Enqueues {@code n} no-op jobs with {@code options}, a thousand per storage call. */
  static void enqueueNoops(BatonClient client, int n, JobOptions options) {
    enqueueNoops(client, 0, n, options);
  }

  /**
   * As {@link #enqueueNoops(BatonClient, int, JobOptions)}, numbered from {@code first} (a warm-up
   * round numbers its jobs on from the last one, so the JIT has seen numbers as long as the
   * measured run's: a first five-digit number threw compiled JSON code away at GO).
   */
  static void enqueueNoops(BatonClient client, int first, int n, JobOptions options) {
    List<JobRequest> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(JobRequest.of(NOOP, new Noop(first + i)).withOptions(options));
      if (batch.size() == 1000 || i == n - 1) {
        client.enqueueAll(batch);
        batch.clear();
      }
    }
  }

  static long nowMicros() {
    return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
  }
}
