package dev.baton.tck.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.concurrency.Permit;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.JobStorage;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.NewJob;
import dev.baton.storage.RunOutcome;
import dev.baton.tck.spi.SpiSuite;
import dev.baton.tck.spi.TestJob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Eight threads claim and finish 2,000 jobs spread over a few mutex keys, writing an in-test
 * ledger: no job is leased twice at once, no mutex key has two holders at once, none is lost. Some
 * runs are released back to the queue to stir the order.
 */
public abstract class AdmissionHammerSuite extends SpiSuite {
  private static final int JOBS = 2_000;
  private static final int THREADS = 8;
  private static final int KEYS = 4;

  /** Generous: a stall (a waiter nobody wakes) shows up as a count of jobs left BLOCKED. */
  private static final Duration TIME_LIMIT = Duration.ofSeconds(90);

  private final Map<JobId, String> runningJobs = new ConcurrentHashMap<>();
  private final Map<String, JobId> keyHolders = new ConcurrentHashMap<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final Set<JobId> succeeded = ConcurrentHashMap.newKeySet();

  @Test
  void noDoubleLeaseNoDoubleHolderNoneLost() throws Exception {
    List<JobId> all = createJobs();
    AtomicInteger done = new AtomicInteger();
    long deadline = System.nanoTime() + TIME_LIMIT.toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> workers = new ArrayList<>();
    try {
      for (int t = 0; t < THREADS; t++) {
        JobStorage client = client(t);
        String server = "tck-hammer-" + t;
        workers.add(
            pool.submit(
                () -> {
                  start.await();
                  while (done.get() < JOBS
                      && violations.isEmpty()
                      && System.nanoTime() < deadline) {
                    List<LeasedJob> leased = client.claim(server, List.of(QUEUE), 4);
                    if (leased.isEmpty()) {
                      Thread.sleep(1);
                    }
                    leased.forEach(this::begin);
                    Thread.yield();
                    for (LeasedJob job : leased) {
                      if (end(client, job)) {
                        done.incrementAndGet();
                      }
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : workers) {
        f.get(TIME_LIMIT.toSeconds() + 30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(violations).isEmpty();
    assertThat(done.get())
        .as("jobs finished within %s; jobs by state now: %s", TIME_LIMIT, counts())
        .isEqualTo(JOBS);
    assertThat(succeeded).containsExactlyInAnyOrderElementsOf(all);
    assertThat(monitor().countByState().get(JobState.SUCCEEDED)).isEqualTo(JOBS);
  }

  private String counts() {
    return storage() instanceof dev.baton.storage.JobMonitor m
        ? m.countByState().toString()
        : "(no monitor)";
  }

  private List<JobId> createJobs() {
    List<JobId> ids = new ArrayList<>();
    List<NewJob> batch = new ArrayList<>();
    for (int i = 0; i < JOBS; i++) {
      TestJob job = TestJob.job();
      if (i % 5 != 0) {
        job = job.permits(Permit.mutex("key-" + (i % KEYS)));
      }
      batch.add(job.toNew());
      ids.add(job.id());
      if (batch.size() == 200) {
        storage().create(batch);
        batch.clear();
      }
    }
    return ids;
  }

  private static List<String> keys(LeasedJob job) {
    return job.spec().concurrency().permits().stream().map(Permit::key).toList();
  }

  /** Enters a leased job into the ledger: it runs from here until {@link #end}. */
  private void begin(LeasedJob job) {
    JobId id = job.lease().jobId();
    if (runningJobs.putIfAbsent(id, job.lease().serverId()) != null) {
      violations.add("job " + id + " leased twice at once");
    }
    for (String key : keys(job)) {
      JobId other = keyHolders.putIfAbsent(key, id);
      if (other != null) {
        violations.add("key " + key + " held by " + other + " and " + id + " at once");
      }
    }
  }

  /** Leaves the ledger, then finishes the job; true if it finished for good. */
  private boolean end(JobStorage client, LeasedJob job) {
    JobId id = job.lease().jobId();
    keys(job).forEach(key -> keyHolders.remove(key, id));
    runningJobs.remove(id);
    boolean release = ThreadLocalRandom.current().nextInt(20) == 0;
    RunOutcome outcome =
        release
            ? new RunOutcome.Released("stirring")
            : new RunOutcome.Succeeded(Duration.ofHours(1), "done");
    if (!client.finish(job.lease(), WORKER, outcome)) {
      violations.add("finish of " + id + " refused under its own lease");
      return false;
    }
    if (!release && !succeeded.add(id)) {
      violations.add("job " + id + " succeeded twice");
    }
    return !release;
  }
}
