package dev.baton.storage.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.concurrency.Concurrency;
import dev.baton.concurrency.Permit;
import dev.baton.concurrency.ReleasePolicy;
import dev.baton.concurrency.WaitPolicy;
import dev.baton.job.JobId;
import dev.baton.storage.Completion;
import dev.baton.storage.JobSpec;
import dev.baton.storage.JobStorage;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.NewJob;
import dev.baton.storage.RescuedServer;
import dev.baton.storage.RunOutcome;
import dev.baton.storage.ServerBeat;
import dev.baton.storage.ServerRecord;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Who may be declared dead, and where a rescued job goes, as functions and as scripts: never the
 * rescuer itself; never a server whose claims or finishes keep coming while its heartbeats do not;
 * a rescued job that waited behind a key keeps its place in that key's line. Silence is made by
 * moving the stored last beats a minute back, so no test waits for a timeout.
 */
class RedisLivenessTest {
  private static final String URI = "redis://127.0.0.1:6379";
  private static final Duration TIMEOUT = Duration.ofSeconds(8);
  private static final List<String> QUEUES = List.of("default");
  private static final RunOutcome OK = new RunOutcome.Succeeded(Duration.ofDays(1), "ok");

  private RedisFixture fixture;
  private JobStorage s;

  private void open(boolean functions) {
    fixture = new RedisFixture(URI, false, functions);
    s = fixture.newStorage();
  }

  @AfterEach
  void close() {
    fixture.close();
  }

  private void beat(String server) {
    s.heartbeat(new ServerBeat(server, "host", QUEUES, 4, List.of()));
  }

  /** Every registered server as if it had been silent for a minute. */
  private void age() {
    RedisClient client = RedisClient.create(URI);
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      String key = "{" + fixture.namespace() + "}:servers";
      for (ScoredValue<String> v : c.sync().zrangeWithScores(key, 0, -1)) {
        c.sync().zadd(key, v.getScore() - 60_000_000, v.getValue());
      }
    } finally {
      client.shutdown();
    }
  }

  private List<String> rescuedBy(String rescuer) {
    return s.rescueDeadServers(TIMEOUT, rescuer).stream().map(RescuedServer::serverId).toList();
  }

  private JobId create(Permit... permits) {
    Concurrency c =
        permits.length == 0
            ? null
            : new Concurrency(List.of(permits), WaitPolicy.WAIT, ReleasePolicy.ON_LEAVE_PROCESSING);
    JobSpec spec = new JobSpec(JobId.newId(), "t", "default", "{}", "{}", 3, null, null, c, null);
    s.create(List.of(NewJob.now(spec, "test")));
    return spec.id();
  }

  private List<String> registered() {
    return ((RedisStorage) s).servers().stream().map(ServerRecord::serverId).toList();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aServerDoesNotRescueItselfButAPeerDoes(boolean functions) {
    open(functions);
    beat("a");
    beat("b");
    age();
    assertThat(rescuedBy("a")).containsExactly("b");
    assertThat(registered()).containsExactly("a");
    assertThat(rescuedBy("c")).containsExactly("a");
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void claimsKeepAServerAlive(boolean functions) {
    open(functions);
    beat("a");
    age();
    s.claim("a", QUEUES, 10); // even a claim that finds nothing proves life
    assertThat(rescuedBy("b")).isEmpty();

    age();
    s.claimOrOffer("a", QUEUES, 10, Duration.ofSeconds(1));
    assertThat(rescuedBy("b")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void finishesKeepAServerAlive(boolean functions) {
    open(functions);
    beat("a");
    create();
    create();
    List<LeasedJob> jobs = s.claim("a", QUEUES, 2);
    assertThat(jobs).hasSize(2);

    age();
    assertThat(s.finish(jobs.get(0).lease(), "w", OK)).isTrue();
    assertThat(rescuedBy("b")).isEmpty();

    age();
    assertThat(s.finishAll(List.of(new Completion(jobs.get(1).lease(), "w", OK))))
        .containsExactly(true);
    assertThat(rescuedBy("b")).isEmpty();

    age();
    assertThat(rescuedBy("b")).containsExactly("a");
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aServerDeclaredDeadIsNotRegisteredAgainByItsCalls(boolean functions) {
    open(functions);
    beat("a");
    create();
    List<LeasedJob> jobs = s.claim("a", QUEUES, 1);
    age();
    assertThat(rescuedBy("b")).containsExactly("a");

    s.claim("a", QUEUES, 10);
    s.finishAll(List.of(new Completion(jobs.get(0).lease(), "w", OK)));
    assertThat(registered()).isEmpty();
    assertThat(s.heartbeat(new ServerBeat("a", "host", QUEUES, 4, List.of())).wasRegistered())
        .isFalse();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aRescuedJobThatWaitedRunsBeforeJobsParkedAfterIt(boolean functions) {
    open(functions);
    Permit mutex = Permit.mutex("video:42");
    beat("doomed");
    JobId first = create(mutex);
    JobId rescued = create(mutex);
    JobId second = create(mutex);
    List<LeasedJob> holder = s.claim("live", QUEUES, 10);
    assertThat(holder).extracting(l -> l.lease().jobId()).containsExactly(first);
    assertThat(s.finish(holder.get(0).lease(), "w", OK)).isTrue(); // rescued is woken
    assertThat(s.claim("doomed", QUEUES, 10))
        .extracting(l -> l.lease().jobId())
        .containsExactly(rescued);
    JobId third = create(mutex);
    assertThat(s.claim("live", QUEUES, 10)).isEmpty(); // third parks behind second

    age();
    assertThat(rescuedBy("live")).containsExactly("doomed");

    List<JobId> order = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      List<LeasedJob> got = s.claim("live", QUEUES, 10);
      assertThat(got).hasSize(1);
      order.add(got.get(0).lease().jobId());
      assertThat(s.finish(got.get(0).lease(), "w", OK)).isTrue();
    }
    assertThat(order).containsExactly(rescued, second, third);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aRescuedJobWithTwoKeysKeepsItsPlaceInBothLines(boolean functions) {
    open(functions);
    Permit a = Permit.mutex("a");
    Permit b = Permit.semaphore("b", 1);
    beat("doomed");
    JobId both = create(a, b);
    assertThat(s.claim("doomed", QUEUES, 10)).hasSize(1);
    JobId onA = create(a);
    JobId onB = create(b);
    assertThat(s.claim("live", QUEUES, 10)).isEmpty(); // both park

    age();
    assertThat(rescuedBy("live")).containsExactly("doomed");
    List<LeasedJob> next = s.claim("live", QUEUES, 10);
    assertThat(next).extracting(l -> l.lease().jobId()).containsExactly(both);
    assertThat(s.finish(next.get(0).lease(), "w", OK)).isTrue();
    assertThat(s.claim("live", QUEUES, 10))
        .extracting(l -> l.lease().jobId())
        .containsExactlyInAnyOrder(onA, onB);
  }

  /**
   * The jobs a permit is promised to (members of every sp:<key>): none once no rescued or woken job
   * waits.
   */
  private List<String> promises() {
    RedisClient client = RedisClient.create(URI);
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      List<String> promised = new ArrayList<>();
      for (String key : c.sync().keys("{" + fixture.namespace() + "}:sp:*")) {
        promised.addAll(c.sync().smembers(key));
      }
      return promised;
    } finally {
      client.shutdown();
    }
  }

  /**
   * A rescued holder's permit is promised to it (it keeps its place): deleted before it runs again,
   * it takes the promise along, and the job that waited behind it runs.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aRescuedHolderDeletedBeforeItRunsAgainLeavesNoPromiseBehind(boolean functions) {
    open(functions);
    Permit mutex = Permit.mutex("m");
    beat("doomed");
    JobId held = create(mutex);
    assertThat(s.claim("doomed", QUEUES, 10)).hasSize(1);
    JobId waiter = create(mutex);
    assertThat(s.claim("live", QUEUES, 10)).isEmpty(); // parks behind the holder

    age();
    assertThat(rescuedBy("live")).containsExactly("doomed");
    assertThat(promises()).containsExactly(held.toString());
    assertThat(s.requeue(held, "again")).isEmpty(); // ENQUEUED already: nothing changes
    assertThat(s.delete(held, "not needed", Duration.ofDays(1))).isPresent();

    // The deleted job's promise is gone; the waiter, woken, holds the one it is owed now.
    assertThat(promises()).containsExactly(waiter.toString());
    List<LeasedJob> next = s.claim("live", QUEUES, 10);
    assertThat(next).extracting(l -> l.lease().jobId()).containsExactly(waiter);
    assertThat(s.finish(next.get(0).lease(), "w", OK)).isTrue();
    assertThat(promises()).isEmpty();
  }

  /**
   * A rescued job that holds one key and finds another busy at its next claim parks on that one:
   * the promise of the first goes back, so the first key's waiter runs meanwhile.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aRescuedJobParkingOnAnotherKeyGivesItsPromiseBack(boolean functions) {
    open(functions);
    Permit a = Permit.mutex("a");
    Permit rate = Permit.rateFixed("r", 1, Duration.ofHours(1));
    beat("doomed");
    JobId both = create(a, rate);
    assertThat(s.claim("doomed", QUEUES, 10)).hasSize(1); // holds a, used r's one start
    JobId onA = create(a);
    assertThat(s.claim("live", QUEUES, 10)).isEmpty(); // parks behind it on a

    age();
    assertThat(rescuedBy("live")).containsExactly("doomed");
    List<LeasedJob> next = s.claim("live", QUEUES, 10); // both: r is spent, it parks on r
    assertThat(next).extracting(l -> l.lease().jobId()).containsExactly(onA);
    assertThat(s.finish(next.get(0).lease(), "w", OK)).isTrue();
    assertThat(promises()).isEmpty();
    assertThat(((RedisStorage) s).job(both).orElseThrow().state())
        .isEqualTo(dev.baton.state.JobState.BLOCKED);
  }
}
