package dev.baton.tck.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.client.BatonClient;
import dev.baton.client.EnqueueResult;
import dev.baton.client.JobRequest;
import dev.baton.client.JobView;
import dev.baton.concurrency.UniqueJob;
import dev.baton.job.JobOptions;
import dev.baton.job.JobType;
import dev.baton.state.JobState;
import dev.baton.state.StateEntry;
import dev.baton.storage.LogLine;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/** Enqueue, schedule and batch-enqueue jobs through a client; a server runs them. */
public abstract class RunJobsSuite extends ServerSuite {
  public record Greet(String name) {}

  static final JobType<Greet> GREET = JobType.of("tck.greet", Greet.class);

  private final Queue<String> greeted = new ConcurrentLinkedQueue<>();

  private void startGreeter() {
    startServer(
        fastConfig("runner").build(),
        b -> b.handle(GREET, (args, ctx) -> greeted.add(args.name())));
  }

  @Test
  void enqueuedJobRunsAndSucceedsWithHistory() {
    startGreeter();
    EnqueueResult r = client().enqueue(GREET, new Greet("ada"));
    assertThat(r.created()).isTrue();
    // PROCESSING if the storage handed it over to the idle server as it was created
    assertThat(r.state()).isIn(JobState.ENQUEUED, JobState.PROCESSING);

    JobView done = awaitState(r.id(), JobState.SUCCEEDED);
    assertThat(greeted).containsExactly("ada");
    assertThat(done.attempt()).isEqualTo(1);
    assertThat(done.history())
        .extracting(StateEntry::state)
        .containsExactly(JobState.ENQUEUED, JobState.PROCESSING, JobState.SUCCEEDED);
    StateEntry processing = entries(done, JobState.PROCESSING).get(0);
    assertThat(processing.serverId()).isEqualTo("runner");
    assertThat(entries(done, JobState.SUCCEEDED).get(0).worker()).contains("runner");
  }

  @Test
  void scheduledJobWaitsThenRuns() {
    startGreeter();
    EnqueueResult r = client().schedule(GREET, new Greet("later"), Duration.ofMillis(400));
    assertThat(r.state()).isEqualTo(JobState.SCHEDULED);
    assertThat(view(r.id()).runAt()).isNotNull();

    JobView done = awaitState(r.id(), JobState.SUCCEEDED);
    assertThat(greeted).containsExactly("later");
    assertThat(done.history())
        .extracting(StateEntry::state)
        .startsWith(JobState.SCHEDULED, JobState.ENQUEUED, JobState.PROCESSING);
    Duration waited =
        Duration.between(done.history().get(0).at(), entries(done, JobState.ENQUEUED).get(0).at());
    assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(400));
  }

  @Test
  void batchIsCreatedTogetherAndContinuationsInsideItWait() {
    JobRequest first = JobRequest.of(GREET, new Greet("first"));
    JobRequest second = JobRequest.of(GREET, new Greet("second"));
    JobRequest after = JobRequest.of(GREET, new Greet("after")).continuing(first.id());
    List<EnqueueResult> results = client().enqueueAll(List.of(first, second, after));
    assertThat(results)
        .extracting(EnqueueResult::id)
        .containsExactly(first.id(), second.id(), after.id());
    assertThat(results)
        .extracting(EnqueueResult::state)
        .containsExactly(JobState.ENQUEUED, JobState.ENQUEUED, JobState.AWAITING);

    startGreeter();
    awaitState(after.id(), JobState.SUCCEEDED);
    assertThat(greeted).containsExactlyInAnyOrder("first", "second", "after");
    assertThat(List.copyOf(greeted).indexOf("after"))
        .isGreaterThan(List.copyOf(greeted).indexOf("first"));
  }

  @Test
  void duplicateOfAUniqueJobIsAValueNamingTheExistingJob() {
    JobOptions unique = JobOptions.builder().unique(UniqueJob.byArguments()).build();
    BatonClient client = client();
    EnqueueResult first = client.enqueue(GREET, new Greet("once"), unique);
    EnqueueResult again = client.enqueue(GREET, new Greet("once"), unique);
    assertThat(first.created()).isTrue();
    assertThat(again.isDuplicate()).isTrue();
    assertThat(again.id()).isEqualTo(first.id());
  }

  @Test
  void progressAndLogLinesAreStoredWithTheJob() {
    JobType<Greet> chatty = JobType.of("tck.chatty", Greet.class);
    startServer(
        fastConfig("chatty").build(),
        b ->
            b.handle(
                chatty,
                (args, ctx) -> {
                  ctx.progress(40);
                  ctx.log().info("hello {}", args.name());
                  ctx.log().warn("careful");
                  ctx.progress(75);
                }));
    EnqueueResult r = client().enqueue(chatty, new Greet("world"));
    JobView done = awaitState(r.id(), JobState.SUCCEEDED);
    assertThat(done.progress()).isEqualTo(75);
    assertThat(done.logs()).extracting(LogLine::message).containsExactly("hello world", "careful");
    assertThat(done.logs()).extracting(LogLine::level).containsExactly("INFO", "WARN");
  }

  @Test
  void progressIsVisibleWhileTheJobRuns() {
    JobType<Greet> slow = JobType.of("tck.slow-progress", Greet.class);
    startServer(
        fastConfig("progress").build(),
        b ->
            b.handle(
                slow,
                (args, ctx) -> {
                  ctx.progress(30);
                  ctx.log().info("working");
                  await().atMost(PROMPTLY).until(ctx::isCancellationRequested);
                }));
    EnqueueResult r = client().enqueue(slow, new Greet("x"));
    await()
        .atMost(PROMPTLY)
        .until(() -> view(r.id()).progress() == 30 && view(r.id()).logs().size() == 1);
    assertThat(view(r.id()).state()).isEqualTo(JobState.PROCESSING);
  }
}
