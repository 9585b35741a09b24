package dev.baton.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.client.JobSpecFactory;
import dev.baton.job.JobCancelledException;
import dev.baton.job.JobContext;
import dev.baton.job.JobId;
import dev.baton.job.JobLogger;
import dev.baton.job.JobOptions;
import dev.baton.job.JobType;
import dev.baton.job.RetryBackoff;
import dev.baton.json.JsonCodec;
import dev.baton.state.ExceptionInfo;
import dev.baton.storage.JobSpec;
import dev.baton.storage.RunOutcome;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryFilterTest {
  record Args(String name) {}

  static final JobType<Args> TYPE = JobType.of("retry-test", Args.class);
  final JsonCodec json = new JsonCodec();
  final RetryFilter filter = new RetryFilter(json, () -> 0.5);

  @Test
  void defaultBackoffGrowsExponentiallyAndIsCapped() {
    RetryBackoff b = RetryBackoff.DEFAULT;
    assertThat(b.delayBefore(2, 0.5)).isEqualTo(Duration.ofSeconds(5));
    assertThat(b.delayBefore(3, 0.5)).isEqualTo(Duration.ofSeconds(15));
    assertThat(b.delayBefore(4, 0.5)).isEqualTo(Duration.ofSeconds(45));
    assertThat(b.delayBefore(30, 0.5)).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void jitterSpreadsWithinTheFraction() {
    RetryBackoff b = RetryBackoff.DEFAULT;
    assertThat(b.delayBefore(2, 0.0)).isEqualTo(Duration.ofSeconds(4));
    assertThat(b.delayBefore(2, 0.999999))
        .isBetween(Duration.ofMillis(5_999), Duration.ofSeconds(6));
  }

  @Test
  void failureWithAttemptsLeftBecomesRetryWithTheJobsBackoff() {
    JobSpec spec =
        spec(
            JobOptions.builder()
                .retryBackoff(RetryBackoff.fixed(Duration.ofMillis(250)))
                .maxAttempts(3)
                .build());
    ElectContext ctx = failed(spec, 1, true);
    filter.onElect(ctx);
    assertThat(ctx.candidate()).isInstanceOf(RunOutcome.Retry.class);
    RunOutcome.Retry retry = (RunOutcome.Retry) ctx.candidate();
    assertThat(retry.delay()).isEqualTo(Duration.ofMillis(250));
    assertThat(retry.error().message()).isEqualTo("boom");
    assertThat(retry.reason()).startsWith("attempt 1 of 3 failed, retry in 250 ms");
  }

  @Test
  void theDefaultBackoffIsNotStoredAndStillApplies() {
    JobSpec plain = spec(JobOptions.builder().maxAttempts(3).build());
    assertThat(plain.metaJson()).isEqualTo("{}");
    assertThat(filter.backoffOf(plain)).isEqualTo(RetryBackoff.DEFAULT);
    JobSpec explicitDefault =
        spec(JobOptions.builder().retryBackoff(RetryBackoff.DEFAULT).maxAttempts(3).build());
    assertThat(explicitDefault.metaJson()).isEqualTo("{}");
    RetryBackoff custom = new RetryBackoff(Duration.ofSeconds(5), 3.0, Duration.ofHours(1), 0.1);
    JobSpec other = spec(JobOptions.builder().retryBackoff(custom).maxAttempts(3).build());
    assertThat(filter.backoffOf(other)).isEqualTo(custom);
    ElectContext ctx = failed(plain, 1, true);
    filter.onElect(ctx);
    assertThat(((RunOutcome.Retry) ctx.candidate()).delay()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void lastAttemptStaysFailed() {
    JobSpec spec = spec(JobOptions.builder().maxAttempts(3).build());
    ElectContext ctx = failed(spec, 3, true);
    filter.onElect(ctx);
    assertThat(ctx.candidate()).isInstanceOf(RunOutcome.Failed.class);
    assertThat(ctx.candidate().reason()).startsWith("attempt 3 of 3 failed, no attempts left");
  }

  @Test
  void nonRetryableFailureIsLeftAlone() {
    ElectContext ctx = failed(spec(JobOptions.NONE), 1, false);
    RunOutcome before = ctx.candidate();
    filter.onElect(ctx);
    assertThat(ctx.candidate()).isSameAs(before);
  }

  @Test
  void missingOrBrokenMetaFallsBackToDefault() {
    JobSpec base = spec(JobOptions.NONE);
    assertThat(filter.backoffOf(base)).isEqualTo(RetryBackoff.DEFAULT);
    JobSpec noMeta =
        new JobSpec(
            base.id(),
            base.type(),
            base.queue(),
            base.argsJson(),
            "{}",
            10,
            null,
            null,
            null,
            null);
    assertThat(filter.backoffOf(noMeta)).isEqualTo(RetryBackoff.DEFAULT);
    JobSpec broken =
        new JobSpec(
            base.id(),
            base.type(),
            base.queue(),
            base.argsJson(),
            "{\"retryBackoff\":7",
            10,
            null,
            null,
            null,
            null);
    assertThat(filter.backoffOf(broken)).isEqualTo(RetryBackoff.DEFAULT);
  }

  private JobSpec spec(JobOptions options) {
    return new JobSpecFactory(json).build(JobId.newId(), TYPE, new Args("x"), options, null, null);
  }

  private static ElectContext failed(JobSpec spec, int attempt, boolean retryable) {
    RuntimeException e = new IllegalStateException("boom");
    return new ElectContext(
        spec,
        new FixedContext(spec, attempt),
        e,
        retryable,
        new RunOutcome.Failed(ExceptionInfo.of(e), e.toString()));
  }

  private record FixedContext(JobSpec spec, int attempt) implements JobContext {
    public JobId jobId() {
      return spec.id();
    }

    public String jobType() {
      return spec.type();
    }

    public int maxAttempts() {
      return spec.maxAttempts();
    }

    public long fencingToken() {
      return 1;
    }

    public String serverId() {
      return "test";
    }

    public boolean isCancellationRequested() {
      return false;
    }

    public void throwIfCancellationRequested() {
      if (isCancellationRequested()) {
        throw new JobCancelledException(spec.id(), "never");
      }
    }

    public void onCancel(Runnable callback) {}

    public String cancellationReason() {
      return null;
    }

    public void progress(int percent) {}

    public JobLogger log() {
      return null;
    }
  }
}
