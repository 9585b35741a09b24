package dev.baton.tck.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.state.StateEntry;
import dev.baton.storage.HeartbeatResult;
import dev.baton.storage.Lease;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.RescuedServer;
import dev.baton.storage.ServerRecord;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Heartbeats, dead-server rescue and deregistration. */
public abstract class ServersSuite extends SpiSuite {
  private static final String DEAD = "tck-server-dead";
  private static final String RESCUER = "tck-server-rescuer";

  @Test
  void firstBeatRegistersLaterBeatsRefresh() {
    HeartbeatResult first = beat(SERVER);
    HeartbeatResult second = beat(SERVER);

    assertThat(first.wasRegistered()).isFalse();
    assertThat(second.wasRegistered()).isTrue();
    assertThat(second.storageTime()).isAfterOrEqualTo(first.storageTime());
    assertThat(second.revoked()).isEmpty();
  }

  @Test
  void beatAnswersWhichListedLeasesAreNoLongerHeld() {
    beat(SERVER);
    JobId kept = create(TestJob.job());
    JobId deleted = create(TestJob.job());
    List<Lease> leases = ids(claimAll()).stream().map(id -> lease(id)).toList();
    storage().delete(deleted, "cancel", RETENTION);
    Lease bogus = new Lease(kept, SERVER, 99);
    Lease unknown = new Lease(JobId.newId(), SERVER, 1);

    HeartbeatResult result = beat(SERVER, leases.get(0), leases.get(1), bogus, unknown);

    assertThat(result.revoked()).containsExactlyInAnyOrder(deleted, kept, unknown.jobId());
  }

  private Lease lease(JobId id) {
    return new Lease(id, SERVER, job(id).fencingToken());
  }

  @Test
  void silentServerIsDeclaredDeadAndItsJobsGoBackToTheHead() {
    beat(DEAD);
    List<JobId> ids = createMany(3, QUEUE);
    List<Lease> leases = claim(DEAD, 2, QUEUE).stream().map(l -> l.lease()).toList();
    JobId later = create(TestJob.job());
    RecordingListener listener = listen();

    List<RescuedServer> rescued = rescueUntilDead(RESCUER);

    assertThat(rescued).hasSize(1);
    assertThat(rescued.get(0).serverId()).isEqualTo(DEAD);
    assertThat(rescued.get(0).requeued()).containsExactlyInAnyOrder(ids.get(0), ids.get(1));
    for (JobId id : List.of(ids.get(0), ids.get(1))) {
      assertThat(state(id)).isEqualTo(JobState.ENQUEUED);
      assertThat(job(id).attempt()).isEqualTo(1);
      StateEntry entry = lastEntry(id);
      assertThat(entry.serverId() + " " + entry.reason()).contains(DEAD).contains(RESCUER);
    }
    eventually().until(() -> listener.heardJobsAvailable(QUEUE));
    assertThat(ids(claim(RESCUER, 10, QUEUE)))
        .containsExactly(ids.get(0), ids.get(1), ids.get(2), later);
    assertThat(succeed(leases.get(0))).isFalse();

    HeartbeatResult back = beat(DEAD, leases.get(0), leases.get(1));
    assertThat(back.wasRegistered()).isFalse();
    assertThat(back.revoked()).containsExactlyInAnyOrder(ids.get(0), ids.get(1));
  }

  @Test
  void liveServersAreNotRescued() {
    beat(SERVER);
    JobId id = create(TestJob.job());
    claimOne(id);

    assertThat(storage().rescueDeadServers(Duration.ofMinutes(5), RESCUER)).isEmpty();
    assertThat(state(id)).isEqualTo(JobState.PROCESSING);
  }

  @Test
  void aServerNeverDeclaresItselfDead() throws InterruptedException {
    beat(RESCUER);
    JobId id = create(TestJob.job());
    claim(RESCUER, 1, QUEUE);
    Thread.sleep(300); // silent past the timeout below, by any clock

    assertThat(storage().rescueDeadServers(Duration.ofMillis(100), RESCUER))
        .extracting(RescuedServer::serverId)
        .doesNotContain(RESCUER);
    assertThat(state(id)).isEqualTo(JobState.PROCESSING);
    assertThat(beat(RESCUER).wasRegistered()).isTrue();
  }

  /**
   * A server that claims and finishes is alive even if it sends no heartbeat: each claim and each
   * finish renews its last beat in the same step, so a peer never declares it dead.
   */
  @Test
  void claimsAndFinishesRenewARegisteredServersLiveness() throws InterruptedException {
    beat(SERVER);
    Duration timeout = Duration.ofMillis(300);
    long until = System.nanoTime() + timeout.multipliedBy(3).toNanos();
    boolean viaClaim = true;
    while (System.nanoTime() < until) {
      JobId id = create(TestJob.job());
      List<LeasedJob> leased = claim(SERVER, 1, QUEUE);
      assertThat(ids(leased)).containsExactly(id);
      Thread.sleep(50);
      if (!viaClaim) {
        Thread.sleep(100); // the claim's renewal is old by now: the finish must renew
      }
      assertThat(succeed(leased.get(0).lease())).isTrue();
      viaClaim = !viaClaim;
      assertThat(storage().rescueDeadServers(timeout, RESCUER))
          .extracting(RescuedServer::serverId)
          .doesNotContain(SERVER);
    }
    assertThat(beat(SERVER).wasRegistered()).isTrue();
  }

  /** A claim by a server that is not registered (declared dead) does not register it again. */
  @Test
  void aClaimDoesNotRegisterAServerDeclaredDead() {
    beat(DEAD);
    assertThat(rescueUntilDead(RESCUER)).extracting(RescuedServer::serverId).contains(DEAD);
    create(TestJob.job());
    claim(DEAD, 1, QUEUE);

    assertThat(beat(DEAD).wasRegistered()).as("its next heartbeat tells it").isFalse();
  }

  @Test
  void deregisterReleasesTheServersJobsAndRemovesIt() {
    beat(SERVER);
    List<JobId> ids = createMany(2, QUEUE);
    List<Lease> leases = claimAll().stream().map(l -> l.lease()).toList();

    List<JobId> released = storage().deregister(SERVER, "shutdown");

    assertThat(released).containsExactlyInAnyOrderElementsOf(ids);
    for (JobId id : ids) {
      assertThat(state(id)).isEqualTo(JobState.ENQUEUED);
      assertThat(job(id).attempt()).isEqualTo(1);
    }
    assertThat(succeed(leases.get(0))).isFalse();
    assertThat(beat(SERVER).wasRegistered()).isFalse();
    assertThat(ids(claimAll())).containsExactlyElementsOf(ids);
  }

  @Test
  void monitorListsServersWithTheirRunningCount() {
    beat(SERVER);
    beat(OTHER_SERVER);
    createMany(3, QUEUE);
    claim(SERVER, 2, QUEUE);

    List<ServerRecord> servers = monitor().servers();

    assertThat(servers).extracting(ServerRecord::serverId).contains(SERVER, OTHER_SERVER);
    ServerRecord a = servers.stream().filter(s -> s.serverId().equals(SERVER)).findFirst().get();
    assertThat(a.running()).isEqualTo(2);
    assertThat(a.host()).isEqualTo("tck-host");
    assertThat(a.queues()).containsExactly(QUEUE);
    assertThat(a.workers()).isEqualTo(4);
    assertThat(a.lastBeat()).isAfterOrEqualTo(a.startedAt());
  }
}
