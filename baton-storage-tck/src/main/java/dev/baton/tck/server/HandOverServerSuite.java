package dev.baton.tck.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.baton.client.BatonClient;
import dev.baton.client.EnqueueResult;
import dev.baton.job.JobId;
import dev.baton.job.JobOptions;
import dev.baton.job.JobType;
import dev.baton.server.BatonServer;
import dev.baton.server.BatonServerConfig;
import dev.baton.state.JobState;
import dev.baton.storage.JobStorage;
import dev.baton.storage.Lease;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.StorageListener;
import dev.baton.tck.StorageInterceptor;
import dev.baton.tck.concurrency.ConcurrencySuite;
import dev.baton.tck.ledger.ExecutionLedger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Servers on a storage that hands over ({@code handsOver()}): an idle server is given new jobs by
 * their creation, without claiming them; every job still runs exactly once with several servers and
 * creators; a lost push is found again; a stopping server takes its offer back. Skipped on storages
 * that do not hand over.
 */
public abstract class HandOverServerSuite extends ConcurrencySuite {
  public record Work(int n) {}

  static final JobType<Work> WORK = JobType.of("tck.handover.work", Work.class);
  static final JobType<Work> HOLD = JobType.of("tck.handover.hold", Work.class);

  private final ExecutionLedger ledger = new ExecutionLedger();

  /** Jobs that claims returned (claim or claimOrOffer), as opposed to jobs pushed. */
  private final AtomicInteger claimed = new AtomicInteger();

  /** claimOrOffer calls that came back short, so left an offer standing. */
  private final AtomicInteger offers = new AtomicInteger();

  /** Lets {@link #HOLD} jobs (run by {@link #handlers}) finish. */
  private final CountDownLatch holdUntil = new CountDownLatch(1);

  private BatonServer.Builder handlers(BatonServer.Builder b) {
    return b.handle(
            WORK,
            (args, ctx) -> {
              try (ExecutionLedger.Entry run = ledger.begin(ctx)) {
                run.succeeded();
              }
            })
        .handle(
            HOLD,
            (args, ctx) -> {
              try (ExecutionLedger.Entry run = ledger.begin(ctx)) {
                holdUntil.await();
                run.succeeded();
              }
            });
  }

  /** A new storage client that counts what claims return. */
  private JobStorage counted() {
    assumeTrue(storage().handsOver(), "storage does not hand over jobs");
    JobStorage c =
        StorageInterceptor.after(
            fixture().newStorage(), "claim", (args, r) -> claimed.addAndGet(((List<?>) r).size()));
    return StorageInterceptor.after(
        c,
        "claimOrOffer",
        (args, r) -> {
          int got = ((List<?>) r).size();
          claimed.addAndGet(got);
          if (got < (int) args[2]) {
            offers.incrementAndGet();
          }
        });
  }

  private void awaitOffer() {
    await("an offer").atMost(PROMPTLY).until(() -> offers.get() > 0);
  }

  private long runsOf(JobId id) {
    return ledger.runs().stream().filter(r -> r.jobId().equals(id)).count();
  }

  @Test
  void idleServerRunsJobsHandedOverWithoutClaimingThem() {
    startServer(counted(), fastConfig("tck-idle").build(), this::handlers);
    awaitOffer();

    List<JobId> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      EnqueueResult r = client().enqueue(WORK, new Work(i));
      assertThat(r.state()).as("job %s on creation", i).isEqualTo(JobState.PROCESSING);
      awaitState(r.id(), JobState.SUCCEEDED);
      ids.add(r.id());
    }

    assertThat(claimed.get()).as("jobs that claims returned").isZero();
    assertThat(ledger.runs()).hasSize(5);
    ledger.assertNoneLost(ids);
    for (JobId id : ids) {
      assertThat(entries(view(id), JobState.PROCESSING).get(0).serverId()).isEqualTo("tck-idle");
    }
  }

  @Test
  void severalServersAndCreatorsRunEveryJobExactlyOnce() throws Exception {
    for (int s = 0; s < 3; s++) {
      startServer(counted(), fastConfig("tck-ho-" + s).workers(2).build(), this::handlers);
    }
    awaitOffer();
    int creators = 3;
    int perCreator = 100;
    List<JobId> ids = java.util.Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(creators);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int c = 0; c < creators; c++) {
        BatonClient client = otherClient();
        runs.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perCreator; i++) {
                    ids.add(client.enqueue(WORK, new Work(i)).id());
                  }
                }));
      }
      for (Future<?> f : runs) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    int jobs = creators * perCreator;
    await(jobs + " jobs to succeed")
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> ledger.succeededJobs().size() >= jobs);
    awaitAll(ids, JobState.SUCCEEDED);
    ledger.assertNoneLost(ids);
    ledger.assertNoConcurrentRunsOfOneJob();
    ledger.assertNoJobSucceededTwice();
    assertThat(ledger.runs()).as("runs").hasSize(jobs);
    assertThat(claimed.get()).as("jobs claimed rather than handed over").isLessThan(jobs);
  }

  @Test
  void handOverWhosePushWasLostRunsWhenThePushChannelResumes() {
    AtomicReference<LeasedJob> swallowed = new AtomicReference<>();
    // a server timeout far beyond the wait below: the periodic look for lost pushes stays out
    BatonServerConfig config =
        fastConfig("tck-resumed").serverTimeout(Duration.ofSeconds(30)).build();
    startServer(losingFirstPush(counted(), swallowed, true), config, this::handlers);
    awaitOffer();
    JobId holding = client().enqueue(HOLD, new Work(0)).id();
    awaitState(holding, JobState.PROCESSING);

    JobId id = client().enqueue(WORK, new Work(1)).id();

    awaitState(id, JobState.SUCCEEDED);
    assertThat(swallowed.get()).isNotNull();
    assertThat(swallowed.get().lease().jobId()).isEqualTo(id);
    holdUntil.countDown();
    awaitState(holding, JobState.SUCCEEDED);
    JobId next = client().enqueue(WORK, new Work(2)).id();
    awaitState(next, JobState.SUCCEEDED);
    assertThat(runsOf(id)).isEqualTo(1);
    assertThat(runsOf(holding)).as("the job running during the look for lost pushes").isEqualTo(1);
  }

  @Test
  void pushHeardAgainLaterDoesNotRunTheJobAgain() {
    startServer(repeatingPushes(counted()), fastConfig("tck-repeated").build(), this::handlers);
    awaitOffer();

    List<JobId> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      JobId id = client().enqueue(WORK, new Work(i)).id();
      awaitState(id, JobState.SUCCEEDED);
      ids.add(id);
    }
    JobId last = client().enqueue(WORK, new Work(9)).id();
    awaitState(last, JobState.SUCCEEDED);

    for (JobId id : ids) {
      assertThat(runsOf(id)).as("runs of %s", id).isEqualTo(1);
    }
    assertThat(claimed.get()).as("jobs that claims returned").isZero();
  }

  @Test
  void handOverWhosePushWasLostWithoutNoticeRunsWithinTheServerTimeout() {
    AtomicReference<LeasedJob> swallowed = new AtomicReference<>();
    startServer(
        losingFirstPush(counted(), swallowed, false),
        fastConfig("tck-lost").build(),
        this::handlers);
    awaitOffer();

    JobId id = client().enqueue(WORK, new Work(1)).id();

    awaitPatiently(id, JobState.SUCCEEDED);
    assertThat(swallowed.get()).isNotNull();
    assertThat(runsOf(id)).isEqualTo(1);
  }

  @Test
  void stoppingServerTakesItsOfferBackBeforeItDeregisters() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch cancelled = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    BatonServerConfig config =
        fastConfig("tck-stopping").shutdownGrace(Duration.ofSeconds(10)).build();
    BatonServer server =
        startServer(
            counted(),
            config,
            b ->
                b.handle(
                    HOLD,
                    (args, ctx) -> {
                      ctx.onCancel(cancelled::countDown);
                      started.countDown();
                      finish.await();
                    }));
    awaitOffer();
    client().enqueue(HOLD, new Work(0));
    assertThat(started.await(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    Thread closing = new Thread(server::close, "tck-closing");
    closing.start();
    // close() fires the tokens after the claim loop stopped and took the offer back
    assertThat(cancelled.await(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

    EnqueueResult late = client().enqueue(WORK, new Work(1));

    finish.countDown();
    closing.join(PROMPTLY.toMillis());
    assertThat(late.state()).isEqualTo(JobState.ENQUEUED);
    assertThat(state(late.id())).isEqualTo(JobState.ENQUEUED);
  }

  @Test
  void handOverThatFindsNoFreeWorkerWaitsForTheNextOne() throws Exception {
    List<LeasedJob> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    AtomicReference<StorageListener> server = new AtomicReference<>();
    JobStorage storage =
        withListener(
            counted(),
            real -> {
              server.set(real);
              return new Relay(real) {
                @Override
                public void jobHandedOver(LeasedJob job) {
                  held.add(job); // delivered by the test, late
                }
              };
            });
    // a long server timeout keeps the periodic look for lost hand-overs out of the way
    BatonServerConfig config =
        fastConfig("tck-crossed").workers(1).serverTimeout(Duration.ofSeconds(30)).build();
    startServer(storage, config, this::handlers);
    awaitOffer();
    JobId first = client().enqueue(WORK, new Work(1)).id();
    assertThat(state(first)).isEqualTo(JobState.PROCESSING);
    await().atMost(PROMPTLY).until(() -> held.size() == 1);

    // not plain (a mutex), so never handed over: it is claimed, and takes the only worker
    JobOptions mutex = JobOptions.builder().mutex("tck-crossed").build();
    JobId second = client().enqueue(HOLD, new Work(2), mutex).id();
    await().atMost(PROMPTLY).until(() -> claimed.get() == 1);
    held.forEach(server.get()::jobHandedOver);
    holdUntil.countDown();

    awaitState(second, JobState.SUCCEEDED);
    awaitState(first, JobState.SUCCEEDED);
    assertThat(runsOf(first)).isEqualTo(1);
    assertThat(view(first).history())
        .extracting(dev.baton.state.StateEntry::state)
        .as("run on the next free worker, not released")
        .containsExactly(JobState.ENQUEUED, JobState.PROCESSING, JobState.SUCCEEDED);
  }

  @Test
  void lookForLostHandOversWhileAClaimIsOnItsWayDoesNotRunTheClaimedJobTwice() throws Exception {
    AtomicReference<StorageListener> server = new AtomicReference<>();
    CountDownLatch looked = new CountDownLatch(1);
    JobStorage storage =
        StorageInterceptor.after(
            withListener(
                StorageInterceptor.after(counted(), "leasedTo", (args, r) -> looked.countDown()),
                real -> {
                  server.set(real);
                  return new Relay(real);
                }),
            "claimOrOffer",
            (args, r) -> {
              // The claim's answer is on its way (the job is leased, not yet started): the push
              // channel resumes now, and the look for lost hand-overs gets time to run (and, if it
              // wrongly starts the job, to have it running before the claim starts it again).
              if (!((List<?>) r).isEmpty() && looked.getCount() > 0) {
                server.get().pushResumed();
                try {
                  if (looked.await(300, TimeUnit.MILLISECONDS)) {
                    Thread.sleep(100);
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            });
    // enqueued before the server starts: claimed, not handed over
    JobId id = client().enqueue(HOLD, new Work(1)).id();
    BatonServerConfig config =
        fastConfig("tck-crossing-look").serverTimeout(Duration.ofSeconds(30)).build();
    startServer(storage, config, this::handlers);

    await("the look for lost hand-overs").atMost(PROMPTLY).until(() -> looked.getCount() == 0);
    Thread.sleep(200); // a second run, if any, starts right after the look
    holdUntil.countDown();
    awaitState(id, JobState.SUCCEEDED);
    assertThat(claimed.get()).isEqualTo(1);
    assertThat(runsOf(id)).as("runs of the claimed job").isEqualTo(1);
  }

  /**
   * {@code storage}, whose subscriber misses the first hand-over push of a {@link #WORK} job; if
   * {@code resume}, the storage then says its push channel resumed, as after a reconnect.
   */
  private static JobStorage losingFirstPush(
      JobStorage storage, AtomicReference<LeasedJob> swallowed, boolean resume) {
    return withListener(
        storage,
        real ->
            new Relay(real) {
              @Override
              public void jobHandedOver(LeasedJob job) {
                if (job.spec().type().equals(WORK.name()) && swallowed.compareAndSet(null, job)) {
                  if (resume) {
                    real.pushResumed();
                  }
                  return;
                }
                real.jobHandedOver(job);
              }
            });
  }

  /** {@code storage}, whose subscriber hears every hand-over again just before the next one. */
  private static JobStorage repeatingPushes(JobStorage storage) {
    return withListener(
        storage,
        real ->
            new Relay(real) {
              private final List<LeasedJob> heard =
                  new java.util.concurrent.CopyOnWriteArrayList<>();

              @Override
              public void jobHandedOver(LeasedJob job) {
                heard.forEach(real::jobHandedOver);
                heard.add(job);
                real.jobHandedOver(job);
              }
            });
  }

  /** {@code storage}, with every listener subscribed to it wrapped by {@code wrap}. */
  private static JobStorage withListener(
      JobStorage storage, java.util.function.UnaryOperator<StorageListener> wrap) {
    return StorageInterceptor.before(
        storage, "subscribe", args -> args[0] = wrap.apply((StorageListener) args[0]));
  }

  /** Passes every notification on; subclasses drop or repeat some. */
  private static class Relay implements StorageListener {
    final StorageListener real;

    Relay(StorageListener real) {
      this.real = real;
    }

    @Override
    public void jobsAvailable(String queue) {
      real.jobsAvailable(queue);
    }

    @Override
    public void leaseRevoked(Lease revoked) {
      real.leaseRevoked(revoked);
    }

    @Override
    public void leaseRevoked(String serverId, JobId jobId) {
      real.leaseRevoked(serverId, jobId);
    }

    @Override
    public void jobHandedOver(LeasedJob job) {
      real.jobHandedOver(job);
    }

    @Override
    public void pushResumed() {
      real.pushResumed();
    }
  }
}
