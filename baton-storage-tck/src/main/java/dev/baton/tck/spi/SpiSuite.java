package dev.baton.tck.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.state.StateEntry;
import dev.baton.storage.CreateResult;
import dev.baton.storage.HeartbeatResult;
import dev.baton.storage.JobMonitor;
import dev.baton.storage.JobRecord;
import dev.baton.storage.JobStorage;
import dev.baton.storage.Lease;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.LockStorage;
import dev.baton.storage.NewJob;
import dev.baton.storage.RescuedServer;
import dev.baton.storage.RunOutcome;
import dev.baton.storage.ServerBeat;
import dev.baton.tck.TckSuite;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;

/**
 * Base of the SPI-level suites: shorthand for creating, claiming and finishing jobs through the
 * storage under test, and nothing else. Suites never assume a controllable clock: where time must
 * pass they use short real durations and {@link #eventually()}.
 */
public abstract class SpiSuite extends TckSuite {
  protected static final String SERVER = "tck-server-a";
  protected static final String OTHER_SERVER = "tck-server-b";
  protected static final String WORKER = "worker-1";
  protected static final String QUEUE = "default";
  protected static final Duration RETENTION = Duration.ofHours(1);

  /** Slack for comparing a storage's timestamps with ones read before and after a call. */
  protected static final Duration SLACK = Duration.ofSeconds(1);

  /** At most this many clients per test, so networked storages do not run out of connections. */
  protected static final int MAX_CLIENTS = 4;

  private static final String PROBE_QUEUE = "tck-probe";

  private final List<JobStorage.Subscription> subscriptions = new ArrayList<>();
  private final List<JobStorage> clients = new ArrayList<>();

  @AfterEach
  final void closeSubscriptions() {
    subscriptions.forEach(JobStorage.Subscription::close);
  }

  /** Awaitility with the kit's patience: a few seconds, polling every 10 ms. */
  protected static ConditionFactory eventually() {
    return Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10));
  }

  /** Creates the jobs in one call and asserts each was created. */
  protected List<JobId> create(TestJob... jobs) {
    List<NewJob> batch = Arrays.stream(jobs).map(TestJob::toNew).toList();
    List<CreateResult> results = storage().create(batch);
    assertThat(results).hasSize(jobs.length).allMatch(CreateResult::created);
    return results.stream().map(CreateResult::id).toList();
  }

  /** Creates one job and asserts it was created. */
  protected JobId create(TestJob job) {
    return create(new TestJob[] {job}).get(0);
  }

  /** Creates {@code n} plain jobs in {@code queue}, one call each, so their order is certain. */
  protected List<JobId> createMany(int n, String queue) {
    List<JobId> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(create(TestJob.job().queue(queue)));
    }
    return ids;
  }

  protected JobRecord job(JobId id) {
    return storage().find(id).orElseThrow(() -> new AssertionError("job " + id + " not found"));
  }

  protected JobState state(JobId id) {
    return job(id).state();
  }

  protected StateEntry lastEntry(JobId id) {
    List<StateEntry> history = job(id).history();
    assertThat(history).isNotEmpty();
    return history.get(history.size() - 1);
  }

  protected List<LeasedJob> claim(String serverId, int max, String... queues) {
    return storage().claim(serverId, List.of(queues), max);
  }

  /** Claims everything claimable from {@link #QUEUE} for {@link #SERVER}. */
  protected List<LeasedJob> claimAll() {
    return claim(SERVER, 1000, QUEUE);
  }

  /** Claims exactly one job from {@code queue} for {@link #SERVER} and asserts it is {@code id}. */
  protected Lease claimOne(JobId id) {
    List<LeasedJob> leased = claim(SERVER, 1, job(id).spec().queue());
    assertThat(ids(leased)).containsExactly(id);
    return leased.get(0).lease();
  }

  protected static List<JobId> ids(List<LeasedJob> leased) {
    return leased.stream().map(l -> l.lease().jobId()).toList();
  }

  protected boolean succeed(Lease lease) {
    return storage().finish(lease, WORKER, new RunOutcome.Succeeded(RETENTION, "done"));
  }

  protected boolean fail(Lease lease) {
    return storage().finish(lease, WORKER, new RunOutcome.Failed(null, "failed for good"));
  }

  protected HeartbeatResult beat(String serverId, Lease... running) {
    return storage()
        .heartbeat(new ServerBeat(serverId, "tck-host", List.of(QUEUE), 4, List.of(running)));
  }

  /**
   * Subscribes a recording listener, unsubscribed after the test. Push channels may open
   * asynchronously (LISTEN, SUBSCRIBE), and delivery is best effort, so this first creates probe
   * jobs in a queue of its own until one is heard, then deletes them and forgets what was heard.
   */
  protected RecordingListener listen() {
    return listen(storage());
  }

  /**
   * As {@link #listen()}, on another client of the fixture (a listener of another process): the
   * probes are created through the first client, so they also prove the two share the data.
   */
  protected RecordingListener listen(JobStorage client) {
    RecordingListener listener = new RecordingListener();
    subscriptions.add(client.subscribe(listener));
    List<JobId> probes = new ArrayList<>();
    eventually()
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              probes.add(create(TestJob.job().queue(PROBE_QUEUE)));
              return listener.heardJobsAvailable(PROBE_QUEUE);
            });
    probes.forEach(id -> storage().delete(id, "listener probe", Duration.ofMillis(1)));
    listener.clear();
    return listener;
  }

  /**
   * The client for caller {@code i} of a concurrent test: up to {@link #MAX_CLIENTS} separate
   * clients (separate processes, for a networked storage), shared round robin.
   */
  protected JobStorage client(int i) {
    while (clients.size() <= i % MAX_CLIENTS) {
      clients.add(fixture().newStorage());
    }
    return clients.get(i % MAX_CLIENTS);
  }

  /** The storage's monitor; the test is skipped if it has none. */
  protected JobMonitor monitor() {
    assumeTrue(storage() instanceof JobMonitor, "storage does not implement JobMonitor");
    return (JobMonitor) storage();
  }

  /** The storage's locks; the test is skipped if it has none. */
  protected LockStorage locks() {
    assumeTrue(storage() instanceof LockStorage, "storage does not implement LockStorage");
    return (LockStorage) storage();
  }

  /**
   * Lets every server but {@code rescuerId} fall silent past a short timeout, {@code rescuerId}
   * beating meanwhile, until a rescue finds a dead one; returns what that rescue found.
   */
  protected List<RescuedServer> rescueUntilDead(String rescuerId) {
    Duration timeout = Duration.ofMillis(200);
    AtomicReference<List<RescuedServer>> found = new AtomicReference<>();
    eventually()
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              beat(rescuerId);
              List<RescuedServer> r = storage().rescueDeadServers(timeout, rescuerId);
              if (!r.isEmpty()) {
                found.set(r);
              }
              return found.get() != null;
            });
    return found.get();
  }

  /** Runs {@code promoteDue} until {@code id} is in {@code expected}. */
  protected void promoteUntil(JobId id, JobState expected) {
    eventually()
        .untilAsserted(
            () -> {
              storage().promoteDue(1000);
              assertThat(state(id)).isEqualTo(expected);
            });
  }
}
