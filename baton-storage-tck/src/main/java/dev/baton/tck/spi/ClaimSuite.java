package dev.baton.tck.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.state.StateEntry;
import dev.baton.storage.ContinuationCondition;
import dev.baton.storage.JobRecord;
import dev.baton.storage.Lease;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.RunOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code claim}: FIFO, queue order, max, leases, fencing tokens and attempts. */
public abstract class ClaimSuite extends SpiSuite {

  @Test
  void claimsInFifoOrderWithinAQueue() {
    List<JobId> ids = createMany(5, QUEUE);

    assertThat(ids(claimAll())).containsExactlyElementsOf(ids);
  }

  @Test
  void jobsOfOneBatchKeepTheirBatchOrder() {
    List<JobId> ids = create(TestJob.job(), TestJob.job(), TestJob.job());

    assertThat(ids(claimAll())).containsExactlyElementsOf(ids);
  }

  @Test
  void claimsAtMostMaxAndContinuesWhereItStopped() {
    List<JobId> ids = createMany(5, QUEUE);

    assertThat(ids(claim(SERVER, 2, QUEUE))).containsExactly(ids.get(0), ids.get(1));
    assertThat(ids(claim(SERVER, 2, QUEUE))).containsExactly(ids.get(2), ids.get(3));
    assertThat(ids(claim(SERVER, 2, QUEUE))).containsExactly(ids.get(4));
    assertThat(claim(SERVER, 2, QUEUE)).isEmpty();
  }

  @Test
  void takesQueuesInTheGivenOrderAndNoOthers() {
    List<JobId> low = createMany(2, "low");
    List<JobId> high = createMany(2, "high");
    createMany(1, "elsewhere");

    List<JobId> leased = ids(claim(SERVER, 10, "high", "low"));

    assertThat(leased).containsExactly(high.get(0), high.get(1), low.get(0), low.get(1));
  }

  @Test
  void leaseCarriesServerTokenAttemptAndSpec() {
    TestJob job = TestJob.job();
    create(job);

    LeasedJob leased = claimAll().get(0);

    assertThat(leased.lease()).isEqualTo(new Lease(job.id(), SERVER, 1));
    assertThat(leased.attempt()).isEqualTo(1);
    assertThat(leased.spec()).isEqualTo(job.spec());
    assertThat(leased.createdAt()).isEqualTo(job(job.id()).createdAt());
    JobRecord record = job(job.id());
    assertThat(record.state()).isEqualTo(JobState.PROCESSING);
    assertThat(record.owner()).isEqualTo(SERVER);
    assertThat(record.fencingToken()).isEqualTo(1);
    StateEntry entry = lastEntry(job.id());
    assertThat(entry.state()).isEqualTo(JobState.PROCESSING);
    assertThat(entry.serverId()).isEqualTo(SERVER);
  }

  @Test
  void fencingTokenGrowsWithEveryClaim() {
    JobId id = create(TestJob.job());

    Lease first = claimOne(id);
    storage().finish(first, WORKER, new RunOutcome.Released("shutdown"));
    Lease second = claimOne(id);
    storage().requeue(id, "again");
    Lease third = claimOne(id);

    assertThat(List.of(first.token(), second.token(), third.token())).containsExactly(1L, 2L, 3L);
  }

  @Test
  void leasedScheduledAndAwaitingJobsAreNotClaimed() {
    JobId running = create(TestJob.job());
    claimOne(running);
    create(TestJob.job().delay(Duration.ofHours(1)));
    create(TestJob.job().after(running, ContinuationCondition.ON_SUCCESS));

    assertThat(claim(OTHER_SERVER, 10, QUEUE)).isEmpty();
  }

  @Test
  void emptyOrUnknownQueueGivesNothing() {
    assertThat(claim(SERVER, 10, "nothing-here")).isEmpty();
    assertThat(claim(SERVER, 10)).isEmpty();
  }

  @Test
  void concurrentClaimsLeaseEachJobExactlyOnce() throws Exception {
    List<JobId> all = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      TestJob[] batch = new TestJob[50];
      for (int j = 0; j < batch.length; j++) {
        batch[j] = TestJob.job();
      }
      all.addAll(create(batch));
    }
    Set<JobId> seen = ConcurrentHashMap.newKeySet();
    List<JobId> duplicates = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        String server = "tck-claimer-" + t;
        var client = client(t);
        runs.add(
            pool.submit(
                () -> {
                  start.await();
                  List<LeasedJob> got;
                  while (!(got = client.claim(server, List.of(QUEUE), 7)).isEmpty()) {
                    for (LeasedJob l : got) {
                      if (!seen.add(l.lease().jobId())) {
                        synchronized (duplicates) {
                          duplicates.add(l.lease().jobId());
                        }
                      }
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : runs) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(duplicates).isEmpty();
    assertThat(seen).containsExactlyInAnyOrderElementsOf(all);
  }
}
