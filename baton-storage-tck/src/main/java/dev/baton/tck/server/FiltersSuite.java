package dev.baton.tck.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.client.EnqueueResult;
import dev.baton.client.JobView;
import dev.baton.filter.AppliedContext;
import dev.baton.filter.ElectContext;
import dev.baton.filter.JobFilter;
import dev.baton.filter.PerformChain;
import dev.baton.filter.PerformContext;
import dev.baton.job.JobType;
import dev.baton.state.JobState;
import dev.baton.storage.RunOutcome;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/** User filters wrap the handler, elect the outcome and see what the storage applied. */
public abstract class FiltersSuite extends ServerSuite {
  public record Order(String id, boolean fail) {}

  static final JobType<Order> ORDER = JobType.of("tck.order", Order.class);

  private final Queue<String> events = new ConcurrentLinkedQueue<>();

  /** Records every hook; turns a failure of an order marked "obsolete" into a deletion. */
  private final class Recording implements JobFilter {
    @Override
    public void aroundPerform(PerformContext context, PerformChain next) throws Exception {
      events.add("before " + ((Order) context.args()).id());
      try {
        next.proceed();
      } finally {
        events.add("after " + ((Order) context.args()).id());
      }
    }

    @Override
    public void onElect(ElectContext context) {
      events.add("elect " + context.candidate().target());
      if (context.exception() != null && context.exception().getMessage().contains("obsolete")) {
        context.candidate(new RunOutcome.Deleted(Duration.ofHours(1), "obsolete order dropped"));
      }
    }

    @Override
    public void onApplied(AppliedContext context) {
      events.add("applied " + context.outcome().target() + " " + context.applied());
    }
  }

  private void startFiltered() {
    startServer(
        fastConfig("filtered").build(),
        b ->
            b.handle(
                    ORDER,
                    (args, ctx) -> {
                      events.add("run " + args.id());
                      if (args.fail()) {
                        throw new IllegalStateException(args.id() + " is obsolete");
                      }
                    })
                .filter(new Recording()));
  }

  @Test
  void filtersWrapTheHandlerAndSeeTheOutcome() {
    startFiltered();
    EnqueueResult r = client().enqueue(ORDER, new Order("o1", false));
    awaitState(r.id(), JobState.SUCCEEDED);
    await().atMost(PROMPTLY).until(() -> events.size() == 5);
    assertThat(List.copyOf(events))
        .containsExactly(
            "before o1", "run o1", "after o1", "elect SUCCEEDED", "applied SUCCEEDED true");
  }

  @Test
  void aFilterMayReplaceTheElectedOutcome() {
    startFiltered();
    EnqueueResult r = client().enqueue(ORDER, new Order("o2", true));
    JobView deleted = awaitState(r.id(), JobState.DELETED);
    assertThat(deleted.lastEntry().reason()).isEqualTo("obsolete order dropped");
    // The retry filter ran first and proposed a retry; the user filter replaced it. onApplied runs
    // on the committer after the write, so it may come a moment after the state is visible.
    await().atMost(PROMPTLY).until(() -> events.contains("applied DELETED true"));
    assertThat(events).contains("elect SCHEDULED", "applied DELETED true");
  }

  @Test
  void withoutTheRetryFilterAFailureIsFinal() {
    startServer(
        fastConfig("no-retry").build(),
        b ->
            b.handle(
                    ORDER,
                    (args, ctx) -> {
                      throw new IllegalStateException("boom");
                    })
                .withoutRetryFilter());
    EnqueueResult r = client().enqueue(ORDER, new Order("o3", true));
    JobView failed = awaitState(r.id(), JobState.FAILED);
    assertThat(failed.attempt()).isEqualTo(1);
    assertThat(entries(failed, JobState.SCHEDULED)).isEmpty();
    assertThat(failed.lastEntry().exception().message()).isEqualTo("boom");
  }

  /** A filter that throws an Error from onElect is logged and skipped, as for an exception. */
  @Test
  void aFilterThrowingAnErrorFromOnElectIsSkipped() {
    startServer(
        fastConfig("error-filter").serverTimeout(Duration.ofSeconds(60)).build(),
        b ->
            b.handle(ORDER, (args, ctx) -> {})
                .filter(
                    new JobFilter() {
                      @Override
                      public void onElect(ElectContext context) {
                        throw new AssertionError("a broken filter (test)");
                      }
                    }));
    EnqueueResult r = client().enqueue(ORDER, new Order("o4", false));
    awaitState(r.id(), JobState.SUCCEEDED);
  }
}
