package dev.baton.tck.spi;

import static java.util.stream.Collectors.toSet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.JobStorage;
import dev.baton.storage.Lease;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.RunOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Creators race servers that claim or offer: every job is leased exactly once, across claims and
 * hand-overs, no offer is used beyond its slots, and every job ends SUCCEEDED. Each creator and
 * each server has its own client where the fixture gives independent ones.
 */
public abstract class HandOverHammerSuite extends SpiSuite {
  private static final int CREATORS = 3;
  private static final int JOBS_PER_CREATOR = 60;
  private static final int SERVERS = 3;
  private static final int SLOTS = 2;
  private static final Duration TTL = Duration.ofSeconds(2);

  private final Map<JobId, List<Lease>> leases = new ConcurrentHashMap<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final AtomicInteger claimed = new AtomicInteger();
  private final Set<Lease> handedOver = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean running = new AtomicBoolean(true);

  @Test
  void everyJobIsLeasedOnceAcrossClaimsAndHandOvers() throws Exception {
    assumeTrue(storage().handsOver(), "storage does not hand over jobs");
    List<RecordingListener> heard = new ArrayList<>();
    for (int s = 0; s < SERVERS; s++) {
      heard.add(listen(client(s + 1)));
    }
    Set<JobId> created = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(CREATORS + SERVERS);
    try {
      List<Future<?>> servers = new ArrayList<>();
      for (int s = 0; s < SERVERS; s++) {
        String serverId = "tck-hammer-" + s;
        JobStorage client = client(s + 1);
        RecordingListener pushes = heard.get(s);
        servers.add(pool.submit(() -> serve(serverId, client, pushes)));
      }
      List<Future<?>> creators = new ArrayList<>();
      for (int c = 0; c < CREATORS; c++) {
        JobStorage client = client(c);
        int batch = c + 1;
        creators.add(pool.submit(() -> createJobs(client, batch, created)));
      }
      for (Future<?> f : creators) {
        f.get(60, TimeUnit.SECONDS);
      }
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> !violations.isEmpty() || leases.keySet().containsAll(created));
      running.set(false);
      for (Future<?> f : servers) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      running.set(false);
      pool.shutdownNow();
    }

    assertThat(violations).isEmpty();
    assertThat(created).hasSize(CREATORS * JOBS_PER_CREATOR);
    assertThat(leases.keySet()).containsExactlyInAnyOrderElementsOf(created);
    Map<JobId, List<Lease>> twice =
        leases.entrySet().stream()
            .filter(e -> e.getValue().size() != 1)
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    assertThat(twice).as("jobs leased more than once").isEmpty();
    assertThat(leases.values()).allMatch(l -> l.get(0).token() == 1);
    assertThat(handedOver).as("hand-overs among %s claims", claimed.get()).isNotEmpty();
    for (JobId id : created) {
      assertThat(state(id)).isEqualTo(JobState.SUCCEEDED);
    }
    assertEveryHandOverWasPushed(heard);
  }

  private void createJobs(JobStorage client, int batch, Set<JobId> created) {
    for (int made = 0; made < JOBS_PER_CREATOR; made += batch) {
      List<TestJob> jobs = new ArrayList<>();
      for (int i = 0; i < batch && made + i < JOBS_PER_CREATOR; i++) {
        jobs.add(TestJob.job());
      }
      client.create(jobs.stream().map(TestJob::toNew).toList());
      jobs.forEach(j -> created.add(j.id()));
      awaitLeased(jobs);
    }
  }

  /**
   * Lets the servers catch up (at most a second) before the next create: a job is handed over only
   * while nothing is ENQUEUED ahead of it, so creators that outran the servers on a slow machine
   * would leave the queue never empty and test claims alone.
   */
  private void awaitLeased(List<TestJob> jobs) {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    while (running.get()
        && System.nanoTime() < until
        && !jobs.stream().allMatch(j -> leases.containsKey(j.id()))) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  /**
   * One server: claim or offer, give the offer a moment to be used, withdraw it, then read back
   * everything leased to it. With the offer withdrawn and everything earlier finished, that is
   * exactly this round's claims and hand-overs, which the offer must have kept within its slots.
   */
  private Void serve(String serverId, JobStorage client, RecordingListener pushes) {
    while (running.get()) {
      List<LeasedJob> got = client.claimOrOffer(serverId, List.of(QUEUE), SLOTS, TTL);
      claimed.addAndGet(got.size());
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
      int before = pushes.handedOverTo(serverId).size();
      while (System.nanoTime() < until
          && got.size() + pushes.handedOverTo(serverId).size() - before < SLOTS) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
      }
      client.claimOrOffer(serverId, List.of(QUEUE), 0, TTL);
      List<Lease> fromClaim = got.stream().map(LeasedJob::lease).toList();
      List<Lease> round = client.leasedTo(serverId).stream().map(LeasedJob::lease).toList();
      if (round.size() > SLOTS) {
        violations.add(serverId + " holds " + round.size() + " leases from one offer: " + round);
      }
      if (!round.containsAll(fromClaim)) {
        violations.add(serverId + " claimed " + fromClaim + " but leasedTo says " + round);
      }
      for (Lease lease : round) {
        if (!fromClaim.contains(lease)) {
          handedOver.add(lease);
        }
        leases.computeIfAbsent(lease.jobId(), id -> new CopyOnWriteArrayList<>()).add(lease);
        RunOutcome ok = new RunOutcome.Succeeded(RETENTION, "hammered");
        if (!client.finish(lease, WORKER, ok)) {
          violations.add(serverId + " could not finish " + lease);
        }
      }
    }
    return null;
  }

  /** Pushes may trail the storage's state, and are heard by every listener: wait for them. */
  private void assertEveryHandOverWasPushed(List<RecordingListener> heard) {
    for (int s = 0; s < SERVERS; s++) {
      String serverId = "tck-hammer-" + s;
      RecordingListener pushes = heard.get(s);
      Set<Lease> expected =
          handedOver.stream().filter(l -> l.serverId().equals(serverId)).collect(toSet());
      eventually()
          .untilAsserted(
              () ->
                  assertThat(pushes.handedOverTo(serverId).stream().map(LeasedJob::lease))
                      .containsExactlyInAnyOrderElementsOf(expected));
    }
  }
}
