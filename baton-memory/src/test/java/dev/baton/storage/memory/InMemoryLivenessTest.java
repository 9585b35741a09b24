package dev.baton.storage.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.job.JobId;
import dev.baton.storage.Completion;
import dev.baton.storage.JobSpec;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.NewJob;
import dev.baton.storage.RescuedServer;
import dev.baton.storage.RunOutcome;
import dev.baton.storage.ServerBeat;
import dev.baton.storage.ServerRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Liveness on a manual clock: who may be declared dead. A server never rescues itself, and its
 * claims and finishes renew its last beat as a heartbeat would (only while it is registered).
 */
class InMemoryLivenessTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(8);
  private static final List<String> QUEUES = List.of("default");
  private final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final InMemoryStorage storage = new InMemoryStorage(clock);

  private void beat(String server) {
    storage.heartbeat(new ServerBeat(server, "host", QUEUES, 4, List.of()));
  }

  private JobId create() {
    JobSpec s = new JobSpec(JobId.newId(), "t", "default", "{}", "{}", 3, null, null, null, null);
    storage.create(List.of(NewJob.now(s, "test")));
    return s.id();
  }

  private List<String> rescuedBy(String rescuer) {
    return storage.rescueDeadServers(TIMEOUT, rescuer).stream()
        .map(RescuedServer::serverId)
        .toList();
  }

  private List<String> registered() {
    return storage.servers().stream().map(ServerRecord::serverId).toList();
  }

  @Test
  void aServerDoesNotRescueItselfButAPeerDoes() {
    beat("a");
    beat("b");
    clock.advance(TIMEOUT.plusSeconds(1));

    assertThat(rescuedBy("a")).containsExactly("b");
    assertThat(registered()).containsExactly("a");
    assertThat(rescuedBy("c")).containsExactly("a");
  }

  @Test
  void claimsKeepAServerAliveWithoutHeartbeats() {
    beat("a");
    beat("b");
    for (int i = 0; i < 4; i++) {
      clock.advance(Duration.ofSeconds(5));
      storage.claim("a", QUEUES, 10); // even a claim that finds nothing proves life
      beat("b");
    }
    assertThat(rescuedBy("b")).isEmpty();

    clock.advance(Duration.ofSeconds(5));
    storage.claimOrOffer("a", QUEUES, 10, Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(5));
    assertThat(rescuedBy("b")).isEmpty();
  }

  @Test
  void finishesKeepAServerAliveWithoutHeartbeats() {
    beat("a");
    create();
    create();
    List<LeasedJob> jobs = storage.claim("a", QUEUES, 2);
    clock.advance(Duration.ofSeconds(6));
    storage.finish(jobs.get(0).lease(), "w", new RunOutcome.Succeeded(Duration.ofDays(1), "done"));
    clock.advance(Duration.ofSeconds(6));
    assertThat(rescuedBy("b")).isEmpty();
    storage.finishAll(
        List.of(
            new Completion(
                jobs.get(1).lease(), "w", new RunOutcome.Succeeded(Duration.ofDays(1), "done"))));
    clock.advance(Duration.ofSeconds(6));
    assertThat(rescuedBy("b")).isEmpty();

    clock.advance(Duration.ofSeconds(3));
    assertThat(rescuedBy("b")).containsExactly("a");
  }

  @Test
  void aClaimDoesNotRegisterAServerDeclaredDead() {
    beat("a");
    clock.advance(TIMEOUT.plusSeconds(1));
    assertThat(rescuedBy("b")).containsExactly("a");

    storage.claim("a", QUEUES, 10);
    storage.claimOrOffer("a", QUEUES, 10, Duration.ofSeconds(1));
    assertThat(registered()).isEmpty();
    assertThat(storage.heartbeat(new ServerBeat("a", "host", QUEUES, 4, List.of())).wasRegistered())
        .isFalse();
  }
}
