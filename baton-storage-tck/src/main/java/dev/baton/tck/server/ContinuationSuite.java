package dev.baton.tck.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.client.BatonClient;
import dev.baton.client.EnqueueResult;
import dev.baton.job.JobOptions;
import dev.baton.job.JobType;
import dev.baton.state.JobState;
import dev.baton.storage.ContinuationCondition;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/** Continuations start when their parent meets their condition, as run by real servers. */
public abstract class ContinuationSuite extends ServerSuite {
  public record Step(String name, boolean fail) {}

  static final JobType<Step> STEP =
      JobType.of("tck.step", Step.class).withOptions(o -> o.maxAttempts(1));

  private final Queue<String> ran = new ConcurrentLinkedQueue<>();

  private void startStepServer() {
    startServer(
        fastConfig("steps").build(),
        b ->
            b.handle(
                STEP,
                (args, ctx) -> {
                  ran.add(args.name());
                  if (args.fail()) {
                    throw new IllegalStateException(args.name() + " fails");
                  }
                }));
  }

  @Test
  void continuationRunsAfterItsParentSucceeds() {
    startStepServer();
    BatonClient client = client();
    EnqueueResult parent = client.schedule(STEP, new Step("parent", false), Duration.ofMillis(200));
    EnqueueResult child = client.continueWith(parent.id(), STEP, new Step("child", false));
    assertThat(child.state()).isEqualTo(JobState.AWAITING);

    awaitState(child.id(), JobState.SUCCEEDED);
    assertThat(ran).containsExactly("parent", "child");
  }

  @Test
  void onAnyFinalRunsAfterAFailedParentButOnSuccessKeepsWaiting() {
    startStepServer();
    BatonClient client = client();
    EnqueueResult parent = client.schedule(STEP, new Step("parent", true), Duration.ofMillis(200));
    EnqueueResult always =
        client.continueWith(
            parent.id(), STEP, new Step("always", false), ContinuationCondition.ON_ANY_FINAL);
    EnqueueResult onSuccess = client.continueWith(parent.id(), STEP, new Step("success", false));

    awaitState(parent.id(), JobState.FAILED);
    awaitState(always.id(), JobState.SUCCEEDED);
    assertThat(view(onSuccess.id()).state()).isEqualTo(JobState.AWAITING);
    assertThat(ran).containsExactly("parent", "always");
  }

  @Test
  void deletingTheParentDeletesOnSuccessContinuationsAndStartsOnAnyFinal() {
    startStepServer();
    BatonClient client = client();
    EnqueueResult parent = client.schedule(STEP, new Step("parent", false), Duration.ofHours(1));
    EnqueueResult onSuccess = client.continueWith(parent.id(), STEP, new Step("success", false));
    EnqueueResult always =
        client.continueWith(
            parent.id(), STEP, new Step("always", false), ContinuationCondition.ON_ANY_FINAL);

    assertThat(client.delete(parent.id())).isTrue();
    awaitState(always.id(), JobState.SUCCEEDED);
    assertThat(view(onSuccess.id()).state()).isEqualTo(JobState.DELETED);
    assertThat(ran).containsExactly("always");
  }

  @Test
  void continuationOfAnAlreadySucceededParentIsEnqueuedAtOnce() {
    startStepServer();
    BatonClient client = client();
    EnqueueResult parent = client.enqueue(STEP, new Step("parent", false), JobOptions.NONE);
    awaitState(parent.id(), JobState.SUCCEEDED);
    EnqueueResult child = client.continueWith(parent.id(), STEP, new Step("child", false));
    assertThat(child.state()).isIn(JobState.ENQUEUED, JobState.PROCESSING, JobState.SUCCEEDED);
    awaitState(child.id(), JobState.SUCCEEDED);
  }
}
