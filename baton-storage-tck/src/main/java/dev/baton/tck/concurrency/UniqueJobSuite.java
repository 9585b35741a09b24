package dev.baton.tck.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.client.EnqueueResult;
import dev.baton.concurrency.UniqueJob;
import dev.baton.job.JobId;
import dev.baton.job.JobOptions;
import dev.baton.job.JobType;
import dev.baton.state.JobState;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Unique jobs end to end: a duplicate names the existing job; the key is held as declared. */
public abstract class UniqueJobSuite extends ConcurrencySuite {
  /** Arguments: the report's day. */
  public record Report(String day) {}

  static final JobType<Report> REPORT =
      JobType.of("tck-unique-report", Report.class)
          .withOptions(o -> o.unique(UniqueJob.byKey("report:{day}")));

  private final CountDownLatch finish = new CountDownLatch(1);

  private void startBlockingServer() {
    startServer(
        "unique",
        2,
        b -> b.handle(REPORT, (args, ctx) -> finish.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)));
  }

  @Test
  void aDuplicateNamesTheExistingJobUntilItFinishes() {
    EnqueueResult first = enqueue(REPORT, new Report("2026-11-23"), JobOptions.NONE);
    assertThat(first.created()).isTrue();
    EnqueueResult again = enqueue(REPORT, new Report("2026-11-23"), JobOptions.NONE);
    assertThat(again.isDuplicate()).isTrue();
    assertThat(again.id()).isEqualTo(first.id());
    assertThat(enqueue(REPORT, new Report("2026-11-24"), JobOptions.NONE).created()).isTrue();

    startBlockingServer();
    awaitState(first.id(), JobState.PROCESSING);
    assertThat(enqueue(REPORT, new Report("2026-11-23"), JobOptions.NONE).id())
        .as("still held while it runs")
        .isEqualTo(first.id());
    finish.countDown();
    awaitState(first.id(), JobState.SUCCEEDED);
    EnqueueResult next = enqueue(REPORT, new Report("2026-11-23"), JobOptions.NONE);
    assertThat(next.created()).isTrue();
    assertThat(next.id()).isNotEqualTo(first.id());
  }

  @Test
  void heldUntilStartFreesTheKeyWhenTheJobIsClaimed() {
    JobOptions untilStart =
        JobOptions.builder().unique(UniqueJob.byKey("start:{day}").heldUntilStart()).build();
    JobId first = enqueue(REPORT, new Report("d"), untilStart).id();
    assertThat(enqueue(REPORT, new Report("d"), untilStart).id()).isEqualTo(first);
    startBlockingServer();
    awaitState(first, JobState.PROCESSING);
    EnqueueResult second = enqueue(REPORT, new Report("d"), untilStart);
    assertThat(second.created()).as("one may queue while one runs").isTrue();
    finish.countDown();
    awaitState(second.id(), JobState.SUCCEEDED);
  }

  @Test
  void aTtlKeyExpiresWhateverTheJobDoes() {
    JobOptions ttl =
        JobOptions.builder()
            .unique(UniqueJob.byKey("ttl:{day}").heldFor(Duration.ofSeconds(1)))
            .build();
    JobId first = enqueue(REPORT, new Report("d"), ttl).id();
    assertThat(enqueue(REPORT, new Report("d"), ttl).id()).isEqualTo(first);
    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> enqueue(REPORT, new Report("d"), ttl).created());
    assertThat(state(first))
        .as("no server runs: the first is still queued")
        .isEqualTo(JobState.ENQUEUED);
  }

  @Test
  void byArgumentsIgnoresFieldOrder() {
    JobOptions byArgs = JobOptions.builder().unique(UniqueJob.byArguments()).build();
    JobId first = enqueue(REPORT, new Report("x"), byArgs).id();
    assertThat(enqueue(REPORT, new Report("x"), byArgs).id()).isEqualTo(first);
    assertThat(enqueue(REPORT, new Report("y"), byArgs).created()).isTrue();
  }
}
