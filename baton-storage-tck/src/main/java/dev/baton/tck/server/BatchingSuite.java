package dev.baton.tck.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.client.BatonClient;
import dev.baton.client.JobRequest;
import dev.baton.client.JobView;
import dev.baton.job.JobId;
import dev.baton.job.JobType;
import dev.baton.server.BatonServer;
import dev.baton.state.JobState;
import dev.baton.state.StateEntry;
import dev.baton.storage.Completion;
import dev.baton.storage.ContinuationCondition;
import dev.baton.storage.CreateResult;
import dev.baton.storage.Lease;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.RunOutcome;
import dev.baton.tck.spi.TestJob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Batched completions: {@code finishAll} at SPI level (each element fenced and applied exactly as
 * {@code finish}), and a server that writes outcomes in batches: many jobs drained with correct
 * states, and shutdown writing every handed-over outcome before it deregisters.
 */
public abstract class BatchingSuite extends ServerSuite {
  public record Tick(int n) {}

  static final JobType<Tick> TICK = JobType.of("tck.tick", Tick.class);

  private static final String SERVER = "tck-batch-a";
  private static final String WORKER = "worker-1";
  private static final Duration RETENTION = Duration.ofHours(1);

  // ------------------------------------------------------------------------ SPI level

  @Test
  void finishAllAppliesValidLeasesAndRefusesStaleOnesIndividually() {
    List<JobId> ids = create(TestJob.job(), TestJob.job(), TestJob.job(), TestJob.job());
    Map<JobId, Lease> leases = claim(4);
    Lease a = leases.get(ids.get(0));
    Lease b = leases.get(ids.get(1));
    Lease staleC = leases.get(ids.get(2));
    Lease d = leases.get(ids.get(3));
    // C is requeued and claimed again: its first lease is stale, the new one valid.
    storage().requeue(ids.get(2), "tck: requeued while running");
    Lease freshC = claim(1).get(ids.get(2));
    Lease wrongOwner = new Lease(d.jobId(), "tck-batch-other", d.token());

    List<Boolean> applied =
        storage()
            .finishAll(
                List.of(
                    new Completion(a, WORKER, new RunOutcome.Succeeded(RETENTION, "ok")),
                    new Completion(staleC, WORKER, new RunOutcome.Succeeded(RETENTION, "late")),
                    new Completion(b, WORKER, new RunOutcome.Failed(null, "for good")),
                    new Completion(wrongOwner, WORKER, new RunOutcome.Failed(null, "not mine")),
                    new Completion(
                        d, WORKER, new RunOutcome.Retry(Duration.ofHours(1), null, "retry")),
                    new Completion(a, WORKER, new RunOutcome.Failed(null, "twice"))));

    assertThat(applied).containsExactly(true, false, true, false, true, false);
    assertThat(record(ids.get(0)).state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(lastEntry(ids.get(0)).reason()).isEqualTo("ok");
    assertThat(lastEntry(ids.get(0)).worker()).isEqualTo(WORKER);
    assertThat(record(ids.get(1)).state()).isEqualTo(JobState.FAILED);
    assertThat(record(ids.get(2)).state()).isEqualTo(JobState.PROCESSING);
    assertThat(record(ids.get(2)).fencingToken()).isEqualTo(freshC.token());
    assertThat(record(ids.get(3)).state()).isEqualTo(JobState.SCHEDULED);
    assertThat(record(ids.get(3)).attempt()).isEqualTo(2);
    // The refused stale lease left the fresh one intact.
    assertThat(
            storage()
                .finishAll(
                    List.of(
                        new Completion(
                            freshC, WORKER, new RunOutcome.Succeeded(RETENTION, "fresh")))))
        .containsExactly(true);
    assertThat(record(ids.get(2)).state()).isEqualTo(JobState.SUCCEEDED);
  }

  @Test
  void finishAllReleasesPermitsAndDecidesContinuationsAsFinishDoes() {
    TestJob holder = TestJob.job().mutex("tck-batch-key");
    TestJob waiter = TestJob.job().mutex("tck-batch-key");
    TestJob parent = TestJob.job();
    TestJob child = TestJob.job().after(parent.id(), ContinuationCondition.ON_SUCCESS);
    TestJob released = TestJob.job();
    create(holder, waiter, parent, child, released);
    Map<JobId, Lease> leases = claim(10);
    assertThat(leases).containsOnlyKeys(holder.id(), parent.id(), released.id());
    assertThat(record(waiter.id()).state()).isEqualTo(JobState.BLOCKED);
    assertThat(record(child.id()).state()).isEqualTo(JobState.AWAITING);

    List<Boolean> applied =
        storage()
            .finishAll(
                List.of(
                    new Completion(
                        leases.get(holder.id()),
                        WORKER,
                        new RunOutcome.Succeeded(RETENTION, "done")),
                    new Completion(
                        leases.get(parent.id()),
                        WORKER,
                        new RunOutcome.Succeeded(RETENTION, "done")),
                    new Completion(
                        leases.get(released.id()), null, new RunOutcome.Released("shutdown"))));

    assertThat(applied).containsExactly(true, true, true);
    assertThat(record(waiter.id()).state()).isEqualTo(JobState.ENQUEUED);
    assertThat(record(child.id()).state()).isEqualTo(JobState.ENQUEUED);
    assertThat(record(released.id()).state()).isEqualTo(JobState.ENQUEUED);
    assertThat(record(released.id()).attempt()).isEqualTo(1);
    assertThat(claim(10)).containsOnlyKeys(waiter.id(), child.id(), released.id());
  }

  @Test
  void finishAllOfNothingIsNothing() {
    assertThat(storage().finishAll(List.of())).isEmpty();
  }

  // ------------------------------------------------------------------------ end to end

  @Test
  void aThousandJobsDrainWithEachRunOnceAndSucceeded() {
    int n = 1_000;
    Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
    startServer(
        fastConfig("tck-batch-drain").workers(8).build(),
        b ->
            b.handle(
                TICK,
                (args, ctx) ->
                    runs.computeIfAbsent(args.n(), k -> new AtomicInteger()).getAndIncrement()));
    List<JobId> ids = enqueueTicks(client(), n);

    await("all " + n + " jobs run")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> runs.size() == n);
    await("all " + n + " jobs succeeded")
        .atMost(PROMPTLY)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> ids.stream().allMatch(id -> view(id).state() == JobState.SUCCEEDED));
    for (JobId id : ids) {
      JobView done = view(id);
      assertThat(done.attempt()).isEqualTo(1);
      assertThat(done.history())
          .extracting(StateEntry::state)
          .containsExactly(JobState.ENQUEUED, JobState.PROCESSING, JobState.SUCCEEDED);
    }
    assertThat(runs.values()).allMatch(count -> count.get() == 1);
  }

  @Test
  void shutdownWritesEveryOutcomeBeforeDeregistering() {
    int n = 4;
    CountDownLatch started = new CountDownLatch(n);
    CountDownLatch finish = new CountDownLatch(1);
    AtomicInteger returned = new AtomicInteger();
    OutageStorage connection = new OutageStorage(fixture().newStorage());
    BatonServer server =
        startServer(
            connection,
            fastConfig("tck-batch-flush").workers(n).build(),
            b ->
                b.handle(
                    TICK,
                    (args, ctx) -> {
                      started.countDown();
                      finish.await(10, TimeUnit.SECONDS);
                      returned.incrementAndGet();
                    }));
    List<JobId> ids = enqueueTicks(client(), n);
    awaitTrue(started);

    // The outcomes cannot be written for a while (well under the server timeout): they wait in
    // the server while it is asked to shut down.
    connection.down();
    finish.countDown();
    await().atMost(PROMPTLY).until(() -> returned.get() == n);
    Thread closer = new Thread(server::close, "tck-batch-closer");
    closer.start();
    await("close waits for the pending outcomes")
        .pollDelay(Duration.ofMillis(300))
        .atMost(PROMPTLY)
        .until(closer::isAlive);
    for (JobId id : ids) {
      assertThat(view(id).state()).isEqualTo(JobState.PROCESSING);
    }
    connection.up();
    await("close returns").atMost(Duration.ofSeconds(10)).until(() -> !closer.isAlive());

    for (JobId id : ids) {
      JobView done = view(id);
      assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
      assertThat(done.history())
          .extracting(StateEntry::state)
          .containsExactly(JobState.ENQUEUED, JobState.PROCESSING, JobState.SUCCEEDED);
    }
  }

  @Test
  void closingWhileBusyLeavesNoJobProcessing() {
    int n = 300;
    Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
    BatonServer server =
        startServer(
            fastConfig("tck-batch-busy").workers(8).build(),
            b ->
                b.handle(
                    TICK,
                    (args, ctx) ->
                        runs.computeIfAbsent(args.n(), k -> new AtomicInteger())
                            .getAndIncrement()));
    List<JobId> ids = enqueueTicks(client(), n);
    await().atMost(PROMPTLY).until(() -> runs.size() >= 20);
    server.close();

    int ran = 0;
    for (int i = 0; i < n; i++) {
      JobView view = view(ids.get(i));
      if (runs.containsKey(i)) {
        ran++;
        assertThat(view.state()).as("job %s ran", i).isEqualTo(JobState.SUCCEEDED);
      } else {
        assertThat(view.state()).as("job %s did not run", i).isEqualTo(JobState.ENQUEUED);
      }
    }
    assertThat(ran).isGreaterThanOrEqualTo(20);
    assertThat(runs.values()).allMatch(count -> count.get() == 1);
  }

  // ------------------------------------------------------------------------ helpers

  private List<JobId> create(TestJob... jobs) {
    List<CreateResult> results = storage().create(Arrays.stream(jobs).map(TestJob::toNew).toList());
    assertThat(results).allMatch(CreateResult::created);
    return results.stream().map(CreateResult::id).toList();
  }

  /** Claims up to {@code max} jobs of the default queue for {@link #SERVER}, by job id. */
  private Map<JobId, Lease> claim(int max) {
    Map<JobId, Lease> leases = new java.util.LinkedHashMap<>();
    for (LeasedJob leased : storage().claim(SERVER, List.of("default"), max)) {
      leases.put(leased.lease().jobId(), leased.lease());
    }
    return leases;
  }

  private dev.baton.storage.JobRecord record(JobId id) {
    return storage().find(id).orElseThrow(() -> new AssertionError("job " + id + " not found"));
  }

  private StateEntry lastEntry(JobId id) {
    List<StateEntry> history = record(id).history();
    return history.get(history.size() - 1);
  }

  private static List<JobId> enqueueTicks(BatonClient client, int n) {
    List<JobId> ids = new ArrayList<>(n);
    List<JobRequest> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(JobRequest.of(TICK, new Tick(i)));
      if (batch.size() == 200 || i == n - 1) {
        client.enqueueAll(batch).forEach(r -> ids.add(r.id()));
        batch.clear();
      }
    }
    return ids;
  }

  private static void awaitTrue(CountDownLatch latch) {
    try {
      assertThat(latch.await(PROMPTLY.toSeconds(), TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
