package dev.baton.tck.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.client.EnqueueResult;
import dev.baton.client.JobView;
import dev.baton.job.JobId;
import dev.baton.job.JobType;
import dev.baton.server.BatonServer;
import dev.baton.state.JobState;
import dev.baton.state.StateEntry;
import dev.baton.storage.JobSpec;
import dev.baton.storage.NewJob;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Data, not magic: a job of an unknown type, or with arguments its handler cannot read, fails that
 * job at once (no retry) with a reason that says what to do; the server keeps running.
 */
public abstract class BadInputSuite extends ServerSuite {
  public record Count(int count) {}

  static final JobType<Count> COUNT = JobType.of("tck.count", Count.class);
  static final JobType<Count> UNKNOWN = JobType.of("tck.not-handled-here", Count.class);

  private BatonServer startCounter() {
    return startServer(fastConfig("strict").build(), b -> b.handle(COUNT, (args, ctx) -> {}));
  }

  @Test
  void anUnknownTypeFailsThatJobWithAClearReason() {
    BatonServer server = startCounter();
    EnqueueResult r = client().enqueue(UNKNOWN, new Count(1));

    JobView failed = awaitState(r.id(), JobState.FAILED);
    assertThat(failed.attempt()).isEqualTo(1);
    assertThat(entries(failed, JobState.SCHEDULED)).isEmpty();
    StateEntry entry = failed.lastEntry();
    assertThat(entry.reason())
        .contains("no handler registered for job type 'tck.not-handled-here' on server strict")
        .contains("register it and requeue the job");

    EnqueueResult good = client().enqueue(COUNT, new Count(2));
    awaitState(good.id(), JobState.SUCCEEDED);
    assertThat(server.isRunning()).isTrue();
  }

  @Test
  void unreadableArgumentsFailThatJobWithAClearReason() {
    BatonServer server = startCounter();
    JobId id = JobId.newId();
    JobSpec malformed =
        new JobSpec(
            id, COUNT.name(), "default", "{\"count\":\"many\"}", "{}", 5, null, null, null, null);
    storage().create(List.of(NewJob.now(malformed, "written by an older client")));

    JobView failed = awaitState(id, JobState.FAILED);
    assertThat(failed.attempt()).isEqualTo(1);
    StateEntry entry = failed.lastEntry();
    assertThat(entry.reason())
        .contains("cannot read the arguments of job type 'tck.count'")
        .contains("requeue the job");
    assertThat(entry.exception()).isNotNull();

    EnqueueResult good = client().enqueue(COUNT, new Count(2));
    awaitState(good.id(), JobState.SUCCEEDED);
    assertThat(server.isRunning()).isTrue();
  }

  @Test
  void aJobFailedForBadInputRunsAfterARequeueOnceFixed() {
    BatonServer old = startCounter();
    EnqueueResult r = client().enqueue(UNKNOWN, new Count(1));
    awaitState(r.id(), JobState.FAILED);

    // The fix is deployed: the old server is replaced by one that handles the type, as in a
    // rolling deploy. (With both running, which one claims the requeued job is a race.)
    old.close();
    startServer(fastConfig("fixed").build(), b -> b.handle(UNKNOWN, (args, ctx) -> {}));
    client().requeue(r.id());
    awaitState(r.id(), JobState.SUCCEEDED);
    assertThat(view(r.id()).state()).isEqualTo(JobState.SUCCEEDED);
  }
}
