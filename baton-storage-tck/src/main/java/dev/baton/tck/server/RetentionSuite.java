package dev.baton.tck.server;

import static org.awaitility.Awaitility.await;

import dev.baton.client.EnqueueResult;
import dev.baton.job.JobType;
import dev.baton.state.JobState;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The retention plugin purges succeeded jobs once their retention has passed. */
public abstract class RetentionSuite extends ServerSuite {
  public record Nothing(int n) {}

  static final JobType<Nothing> NOOP = JobType.of("tck.noop", Nothing.class);

  @Test
  void succeededJobsArePurgedAfterRetention() {
    startServer(
        fastConfig("purger")
            .retention(Duration.ofMillis(300))
            .purgeInterval(Duration.ofMillis(100))
            .build(),
        b -> b.handle(NOOP, (args, ctx) -> {}));
    EnqueueResult r = client().enqueue(NOOP, new Nothing(1));
    awaitState(r.id(), JobState.SUCCEEDED);
    await().atMost(PROMPTLY).until(() -> client().find(r.id()).isEmpty());
  }
}
