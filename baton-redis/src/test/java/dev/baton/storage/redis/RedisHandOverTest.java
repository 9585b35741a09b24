package dev.baton.storage.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.client.BatonClient;
import dev.baton.concurrency.Concurrency;
import dev.baton.concurrency.Permit;
import dev.baton.concurrency.ReleasePolicy;
import dev.baton.concurrency.WaitPolicy;
import dev.baton.job.JobId;
import dev.baton.job.JobType;
import dev.baton.server.BatonServer;
import dev.baton.server.BatonServerConfig;
import dev.baton.state.JobState;
import dev.baton.storage.CreateResult;
import dev.baton.storage.JobRecord;
import dev.baton.storage.JobSpec;
import dev.baton.storage.Lease;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.NewJob;
import dev.baton.storage.RecurringRecord;
import dev.baton.storage.RunOutcome;
import dev.baton.storage.ServerBeat;
import dev.baton.storage.StorageListener;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hand-over on Redis, in function and script mode: the pushed lease carries the whole job as stored
 * (big and unicode arguments), which jobs are handed over and which are not, and every way an offer
 * ends, down to its keys.
 */
class RedisHandOverTest {
  private static final Duration TTL = Duration.ofSeconds(30);
  private RedisFixture fixture;
  private RedisStorage storage;
  private final RedisClient client = RedisClient.create(RedisConformanceTest.URI);
  private final StatefulRedisConnection<String, String> conn = client.connect();
  private final RedisCommands<String, String> redis = conn.sync();
  private final List<LeasedJob> handedOver = new CopyOnWriteArrayList<>();
  private final List<String> available = new CopyOnWriteArrayList<>();

  private void open(boolean functions) {
    fixture = new RedisFixture(RedisConformanceTest.URI, false, functions);
    storage = (RedisStorage) fixture.newStorage();
    assertThat(storage.usesFunctions()).isEqualTo(functions);
    assertThat(storage.handsOver()).isTrue();
    storage.subscribe(
        new StorageListener() {
          @Override
          public void jobHandedOver(LeasedJob job) {
            handedOver.add(job);
          }

          @Override
          public void jobsAvailable(String queue) {
            available.add(queue);
          }
        });
  }

  @AfterEach
  void close() {
    conn.close();
    client.shutdown();
    if (fixture != null) {
      fixture.close();
    }
  }

  private static JobSpec spec(String queue, String args) {
    return new JobSpec(
        JobId.newId(), "t", queue, args, "{\"m\":\"méta\"}", 3, null, null, null, null);
  }

  private static JobSpec spec(String queue) {
    return spec(queue, "{}");
  }

  private static JobSpec mutexed(String queue) {
    return new JobSpec(
        JobId.newId(),
        "t",
        queue,
        "{}",
        "{}",
        3,
        null,
        null,
        new Concurrency(
            List.of(Permit.mutex("m")), WaitPolicy.WAIT, ReleasePolicy.ON_LEAVE_PROCESSING),
        null);
  }

  private static JobSpec withMutexes(String queue, String... keys) {
    return new JobSpec(
        JobId.newId(),
        "t",
        queue,
        "{\"n\":\"ü\"}",
        "{\"m\":1}",
        3,
        null,
        null,
        new Concurrency(
            java.util.Arrays.stream(keys).map(Permit::mutex).toList(),
            WaitPolicy.WAIT,
            ReleasePolicy.ON_LEAVE_PROCESSING),
        null);
  }

  private JobState state(JobSpec job) {
    return storage.find(job.id()).orElseThrow().state();
  }

  /** Claims {@code job} alone for {@code server}; it must get it. */
  private Lease claimed(String server, JobSpec job) {
    List<LeasedJob> leased = storage.claim(server, List.of(job.queue()), 1);
    assertThat(leased).extracting(l -> l.spec().id()).containsExactly(job.id());
    return leased.get(0).lease();
  }

  /** Creates {@code job} and lets a claim of {@code server} park it behind a held permit. */
  private void parked(String server, JobSpec job) {
    create(job);
    assertThat(storage.claim(server, List.of(job.queue()), 1)).isEmpty();
    assertThat(state(job)).isEqualTo(JobState.BLOCKED);
  }

  /** A job on mutex m, claimed by "busy", and {@code waiter} (on m too) parked behind it. */
  private Lease heldWhileParked(JobSpec waiter) {
    JobSpec holder = withMutexes("default", "m");
    create(holder);
    Lease held = claimed("busy", holder);
    parked("busy", waiter);
    return held;
  }

  private boolean succeed(Lease lease) {
    return storage.finish(lease, "w", new RunOutcome.Succeeded(Duration.ofMinutes(1), "ok"));
  }

  /** Waits until a job of a queue nobody listens for is announced: everything before it was too. */
  private void awaitEarlierPushes() {
    create(spec("marker"));
    await().atMost(Duration.ofSeconds(5)).until(() -> available.contains("marker"));
  }

  private List<JobState> create(JobSpec... specs) {
    return storage
        .create(java.util.Arrays.stream(specs).map(s -> NewJob.now(s, "new")).toList())
        .stream()
        .map(CreateResult::state)
        .toList();
  }

  private String p() {
    return "{" + fixture.namespace() + "}:";
  }

  @ParameterizedTest(name = "functions={0}")
  @ValueSource(booleans = {true, false})
  void theHandedOverJobArrivesWithItsWholeLeaseAsStored(boolean functions) {
    open(functions);
    assertThat(storage.claimOrOffer("s\n1 ü", List.of("default"), 1, TTL)).isEmpty();
    // Big arguments (just under the push limit) with text that needs escaping anywhere but here.
    StringBuilder args = new StringBuilder("{\"text\":\"");
    while (args.length() < 30_000) {
      args.append("naïve \\\"quoted\\\" 日本語 😀 line\\nbreak \\u2028 / \\\\ ");
    }
    args.append("\",\"raw\":\n[1,\t2]}");
    JobSpec job = spec("default", args.toString());

    assertThat(create(job)).containsExactly(JobState.PROCESSING);

    await().atMost(Duration.ofSeconds(5)).until(() -> !handedOver.isEmpty());
    JobRecord stored = storage.find(job.id()).orElseThrow();
    LeasedJob expected =
        new LeasedJob(new Lease(job.id(), "s\n1 ü", 1), job, 1, stored.createdAt());
    assertThat(handedOver).containsExactly(expected);
    assertThat(storage.leasedTo("s\n1 ü")).containsExactly(expected);
    assertThat(stored.state()).isEqualTo(JobState.PROCESSING);
    assertThat(stored.owner()).isEqualTo("s\n1 ü");
    assertThat(stored.fencingToken()).isEqualTo(1);
    assertThat(stored.history())
        .extracting(h -> h.state())
        .containsExactly(JobState.ENQUEUED, JobState.PROCESSING);
    assertThat(stored.history().get(1).serverId()).isEqualTo("s\n1 ü");
    assertThat(storage.countByState()).containsEntry(JobState.PROCESSING, 1L);

    // No wake-up for the queue: a job created in another queue is heard, and nothing before it.
    create(spec("other"));
    await().atMost(Duration.ofSeconds(5)).until(() -> available.contains("other"));
    assertThat(available).doesNotContain("default");

    assertThat(
            storage.finish(
                expected.lease(), "w", new RunOutcome.Succeeded(Duration.ofMinutes(1), "ok")))
        .isTrue();
    assertThat(storage.leasedTo("s\n1 ü")).isEmpty();
  }

  @ParameterizedTest(name = "functions={0}")
  @ValueSource(booleans = {true, false})
  void aJobWokenByAFinishIsHandedOverWithItsPermitToAServerThatOffers(boolean functions) {
    open(functions);
    JobSpec waiter = withMutexes("default", "m");
    Lease held = heldWhileParked(waiter);
    assertThat(storage.claimOrOffer("idle", List.of("default"), 2, TTL)).isEmpty();
    // The pushes of what came before (the waiter's create announced its queue) are in before the
    // clear: one delivered after it failed this test once on CI.
    awaitEarlierPushes();
    available.clear();

    assertThat(succeed(held)).isTrue();

    JobRecord stored = storage.find(waiter.id()).orElseThrow();
    assertThat(stored.state()).isEqualTo(JobState.PROCESSING);
    assertThat(stored.owner()).isEqualTo("idle");
    assertThat(stored.fencingToken()).isEqualTo(1);
    assertThat(stored.history())
        .extracting(h -> h.state())
        .containsExactly(
            JobState.ENQUEUED, JobState.BLOCKED, JobState.ENQUEUED, JobState.PROCESSING);
    assertThat(stored.history().get(3).reason()).isEqualTo("handed over");
    // Pushed with the whole job, permits included, and listed as the idle server's lease.
    await().atMost(Duration.ofSeconds(5)).until(() -> handedOver.size() == 1);
    LeasedJob expected =
        new LeasedJob(new Lease(waiter.id(), "idle", 1), waiter, 1, stored.createdAt());
    assertThat(handedOver).containsExactly(expected);
    assertThat(storage.leasedTo("idle")).containsExactly(expected);
    // One slot of the offer used; the queue is empty and was not announced.
    assertThat(redis.hget(p() + "ofr:idle", "n")).isEqualTo("1");
    assertThat(redis.zcard(p() + "q:default")).isZero();
    awaitEarlierPushes();
    assertThat(available).doesNotContain("default");
    // It holds the mutex: the next job of the key waits for it.
    JobSpec third = withMutexes("default", "m");
    parked("busy", third);

    // Its finish wakes and hands over the third the same way.
    assertThat(succeed(expected.lease())).isTrue();
    assertThat(state(third)).isEqualTo(JobState.PROCESSING);
    assertThat(storage.find(third.id()).orElseThrow().owner()).isEqualTo("idle");
    assertThat(redis.exists(p() + "ofr:idle", p() + "offers")).isZero();
  }

  @ParameterizedTest(name = "functions={0}")
  @ValueSource(booleans = {true, false})
  void aWokenJobWaitsForAClaimWithoutAnOfferOrBehindAnEnqueuedJob(boolean functions) {
    open(functions);
    // No offer: ENQUEUED and announced, as before.
    JobSpec waiter = withMutexes("default", "m");
    Lease held = heldWhileParked(waiter);
    // The pushes of what came before (the waiter's create announced its queue) are in before the
    // clear: one delivered after it failed this test once on CI.
    awaitEarlierPushes();
    available.clear();
    assertThat(succeed(held)).isTrue();
    assertThat(state(waiter)).isEqualTo(JobState.ENQUEUED);
    await().atMost(Duration.ofSeconds(5)).until(() -> available.contains("default"));

    // A job enqueued before it (released back to its place) is not overtaken by the woken one.
    held = claimed("busy", waiter);
    JobSpec plain = spec("default");
    JobSpec next = withMutexes("default", "m");
    create(plain, next);
    List<LeasedJob> leased = storage.claim("busy", List.of("default"), 2);
    assertThat(leased).extracting(l -> l.spec().id()).containsExactly(plain.id());
    assertThat(state(next)).isEqualTo(JobState.BLOCKED);
    Lease plainLease = leased.get(0).lease();
    assertThat(storage.claimOrOffer("idle", List.of("default"), 2, TTL)).isEmpty();
    assertThat(storage.finish(plainLease, "w", new RunOutcome.Released("stop"))).isTrue();
    assertThat(succeed(held)).isTrue();
    assertThat(state(next)).isEqualTo(JobState.ENQUEUED);
    assertThat(storage.claim("busy", List.of("default"), 5))
        .extracting(l -> l.spec().id())
        .containsExactly(plain.id(), next.id());
    assertThat(handedOver).isEmpty();
    assertThat(redis.hget(p() + "ofr:idle", "n")).isEqualTo("2");
  }

  @ParameterizedTest(name = "functions={0}")
  @ValueSource(booleans = {true, false})
  void aWokenJobThatMissesAnotherPermitParksOnItAndIsHandedOverWhenThatFrees(boolean functions) {
    open(functions);
    JobSpec holdsA = withMutexes("default", "a");
    JobSpec holdsB = withMutexes("default", "b");
    create(holdsA, holdsB);
    Lease a = claimed("busy", holdsA);
    Lease b = claimed("busy", holdsB);
    JobSpec both = withMutexes("default", "a", "b");
    parked("busy", both);
    assertThat(storage.claimOrOffer("idle", List.of("default"), 2, TTL)).isEmpty();

    assertThat(succeed(a)).isTrue();
    JobRecord waiting = storage.find(both.id()).orElseThrow();
    assertThat(waiting.state()).isEqualTo(JobState.BLOCKED);
    assertThat(waiting.history().get(waiting.history().size() - 1).reason())
        .isEqualTo("waiting for mutex b, held by job " + holdsB.id());
    assertThat(redis.hget(p() + "ofr:idle", "n")).isEqualTo("2");

    assertThat(succeed(b)).isTrue();
    assertThat(state(both)).isEqualTo(JobState.PROCESSING);
    await().atMost(Duration.ofSeconds(5)).until(() -> handedOver.size() == 1);
    assertThat(handedOver.get(0).spec()).isEqualTo(both);
    // Both permits are its own: a job on either key waits.
    JobSpec onA = withMutexes("other", "a");
    JobSpec onB = withMutexes("other", "b");
    parked("busy", onA);
    parked("busy", onB);
  }

  /** A link of a chain on mutex {@code chain:<k>}: its place in the chain. */
  record Link(String k, int seq) {}

  private static final JobType<Link> LINK =
      JobType.of("redis-woken-chain", Link.class).withOptions(o -> o.mutex("chain:{k}"));

  @ParameterizedTest(name = "functions={0}")
  @ValueSource(booleans = {true, false})
  void threeServersRunMutexChainsByHandOverInOrderOnceEachWithoutOverlap(boolean functions)
      throws Exception {
    open(functions);
    Map<String, List<Integer>> order = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> inside = new ConcurrentHashMap<>();
    AtomicInteger overlaps = new AtomicInteger();
    List<BatonServer> servers = new ArrayList<>();
    try {
      for (int s = 0; s < 3; s++) {
        servers.add(
            BatonServer.builder(fixture.newStorage())
                .config(BatonServerConfig.builder().serverId("chain-" + s).workers(4).build())
                .handle(
                    LINK,
                    (link, ctx) -> {
                      AtomicInteger in = inside.computeIfAbsent(link.k(), k -> new AtomicInteger());
                      if (in.incrementAndGet() != 1) {
                        overlaps.incrementAndGet();
                      }
                      order
                          .computeIfAbsent(link.k(), k -> new CopyOnWriteArrayList<>())
                          .add(link.seq());
                      Thread.sleep(3);
                      in.decrementAndGet();
                    })
                .build()
                .start());
      }
      BatonClient client = BatonClient.create(storage);
      List<JobId> ids = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        for (String k : List.of("a", "b", "c")) {
          ids.add(client.enqueue(LINK, new Link(k, i)).id());
        }
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> ids.stream().allMatch(id -> state(id) == JobState.SUCCEEDED));

      assertThat(overlaps).hasValue(0);
      List<Integer> chain = java.util.stream.IntStream.range(0, 20).boxed().toList();
      assertThat(order).containsOnlyKeys("a", "b", "c");
      order.values().forEach(o -> assertThat(o).containsExactlyElementsOf(chain));
      long handedOverStarts =
          ids.stream()
              .map(id -> storage.find(id).orElseThrow().history())
              .filter(h -> h.stream().anyMatch(e -> "handed over".equals(e.reason())))
              .count();
      // The first job of each key is claimed (not plain); the others are woken by a finish, and
      // with three servers of four workers mostly idle, an offer nearly always stands.
      assertThat(handedOverStarts).isGreaterThanOrEqualTo(30);
    } finally {
      servers.forEach(BatonServer::close);
    }
  }

  private JobState state(JobId id) {
    return storage.find(id).orElseThrow().state();
  }

  @ParameterizedTest(name = "functions={0}")
  @ValueSource(booleans = {true, false})
  void jobsTooBigForThePushAreClaimedInstead(boolean functions) {
    open(functions);
    storage.claimOrOffer("s1", List.of("default"), 1, TTL);
    JobSpec big = spec("default", "\"" + "x".repeat(70_000) + "\"");

    assertThat(create(big)).containsExactly(JobState.ENQUEUED);
    assertThat(storage.claim("s2", List.of("default"), 1))
        .extracting(l -> l.spec())
        .containsExactly(big);
    // The slot was not used: the next job is handed over.
    assertThat(create(spec("default"))).containsExactly(JobState.PROCESSING);
  }

  @ParameterizedTest(name = "functions={0}")
  @ValueSource(booleans = {true, false})
  void aBatchUsesTheSlotsInOrderForPlainJobsOfOfferedQueuesOnly(boolean functions) {
    open(functions);
    storage.claimOrOffer("s1", List.of("a", "b"), 3, TTL);
    JobSpec a1 = spec("a");
    JobSpec c1 = spec("c");
    JobSpec m1 = mutexed("b");
    JobSpec b1 = spec("b");
    JobSpec a2 = spec("a");
    JobSpec b2 = spec("b");

    // m1 is not plain and enters b's queue: b1 then finds it waiting there.
    assertThat(create(a1, c1, m1, b1, a2, b2))
        .containsExactly(
            JobState.PROCESSING,
            JobState.ENQUEUED,
            JobState.ENQUEUED,
            JobState.ENQUEUED,
            JobState.PROCESSING,
            JobState.ENQUEUED);
    await().atMost(Duration.ofSeconds(5)).until(() -> handedOver.size() == 2);
    assertThat(handedOver).extracting(l -> l.spec()).containsExactly(a1, a2);
    assertThat(storage.leasedTo("s1"))
        .extracting(l -> l.lease().jobId())
        .containsExactlyInAnyOrder(a1.id(), a2.id());

    // One slot left: the next plain job of a gets it, then the offer is gone with its keys.
    assertThat(create(spec("a"), spec("a")))
        .containsExactly(JobState.PROCESSING, JobState.ENQUEUED);
    assertThat(redis.exists(p() + "offers", p() + "of:a", p() + "of:b", p() + "ofr:s1")).isZero();
    assertThat(storage.claim("s1", List.of("b", "a", "c"), 10))
        .extracting(l -> l.spec().id())
        .startsWith(m1.id(), b1.id(), b2.id());
  }

  @ParameterizedTest(name = "functions={0}")
  @ValueSource(booleans = {true, false})
  void anOfferEndsWithTheNextCallItsTtlDeregisterAndRescue(boolean functions) throws Exception {
    open(functions);
    // The next call takes it back; max 0 only does that.
    storage.claimOrOffer("s1", List.of("default"), 2, TTL);
    storage.claimOrOffer("s1", List.of("default"), 0, TTL);
    assertThat(create(spec("default"))).containsExactly(JobState.ENQUEUED);
    assertThat(storage.claim("s9", List.of("default"), 5)).hasSize(1);
    assertThat(redis.keys(p() + "of*")).isEmpty();

    // A call that claims takes back the previous offer and leaves one of the missing slots.
    storage.claimOrOffer("s1", List.of("default"), 3, TTL);
    create(mutexed("default"));
    assertThat(storage.claimOrOffer("s1", List.of("default"), 3, TTL)).hasSize(1);
    assertThat(redis.hget(p() + "ofr:s1", "n")).isEqualTo("2");

    // Deregister.
    storage.deregister("s1", "bye");
    assertThat(redis.keys(p() + "of*")).isEmpty();
    assertThat(create(spec("default"))).containsExactly(JobState.ENQUEUED);
    storage.claim("s9", List.of("default"), 5);

    // Rescue.
    storage.heartbeat(new ServerBeat("s2", "h", List.of("default"), 1, List.of()));
    storage.claimOrOffer("s2", List.of("default"), 1, TTL);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> !storage.rescueDeadServers(Duration.ofMillis(50), "r").isEmpty());
    assertThat(redis.keys(p() + "of*")).isEmpty();
    assertThat(create(spec("default"))).containsExactly(JobState.ENQUEUED);
    storage.claim("s9", List.of("default"), 5);

    // The ttl (Redis's clock): the keys expire with it.
    storage.claimOrOffer("s3", List.of("default"), 1, Duration.ofMillis(300));
    assertThat(redis.pttl(p() + "offers")).isBetween(1L, 301L);
    await()
        .pollDelay(Duration.ofMillis(350))
        .atMost(Duration.ofSeconds(5))
        .until(() -> redis.exists(p() + "offers") == 0);
    assertThat(create(spec("default"))).containsExactly(JobState.ENQUEUED);
    assertThat(handedOver).isEmpty();
  }

  @ParameterizedTest(name = "functions={0}")
  @ValueSource(booleans = {true, false})
  void anExpiredOfferIsNotUsedWhileAnotherKeepsTheKeys(boolean functions) {
    open(functions);
    storage.claimOrOffer("short", List.of("default"), 1, Duration.ofMillis(100));
    storage.claimOrOffer("long", List.of("default"), 1, TTL);
    await()
        .pollDelay(Duration.ofMillis(150))
        .atMost(Duration.ofSeconds(5))
        .until(() -> create(spec("default")).get(0) == JobState.PROCESSING);
    await().atMost(Duration.ofSeconds(5)).until(() -> handedOver.size() == 1);
    assertThat(handedOver.get(0).lease().serverId()).isEqualTo("long");
  }

  @ParameterizedTest(name = "functions={0}")
  @ValueSource(booleans = {true, false})
  void aRecurringFireHandsOverToo(boolean functions) {
    open(functions);
    Instant t0 = Instant.parse("2030-01-01T10:00:00Z");
    storage.saveRecurring(new RecurringRecord("r", "{}", t0, false, null, null));
    storage.claimOrOffer("s1", List.of("default"), 1, TTL);
    JobSpec job = spec("default");

    assertThat(
            storage.fireRecurring("r", t0, t0.plusSeconds(60), List.of(NewJob.now(job, "fired"))))
        .contains(List.of(CreateResult.created(job.id(), JobState.PROCESSING)));
    await().atMost(Duration.ofSeconds(5)).until(() -> handedOver.size() == 1);
    assertThat(handedOver.get(0).spec()).isEqualTo(job);
  }

  @ParameterizedTest(name = "functions={0}")
  @ValueSource(booleans = {true, false})
  void aHandedOverJobIsReleasedRescuedAndRequeuedLikeAClaimedOne(boolean functions) {
    open(functions);
    JobSpec waiting = spec("other");
    create(waiting);
    storage.heartbeat(new ServerBeat("s1", "h", List.of("default"), 1, List.of()));
    storage.claimOrOffer("s1", List.of("default"), 1, TTL);
    JobSpec job = spec("default");
    create(job);
    Lease lease = storage.leasedTo("s1").get(0).lease();

    assertThat(storage.finish(lease, "w", new RunOutcome.Released("stop"))).isTrue();
    assertThat(storage.find(job.id()).orElseThrow().state()).isEqualTo(JobState.ENQUEUED);
    LeasedJob again = storage.claim("s1", List.of("default"), 1).get(0);
    assertThat(again.lease().token()).isEqualTo(2);
    assertThat(storage.requeue(job.id(), "again")).contains(JobState.PROCESSING);
    // s1 is registered, so its revoked run may still be in its handler: the job waits for that
    // run (a run outlives its state), which ends here with its refused finish.
    assertThat(storage.find(job.id()).orElseThrow().blocked().previousRun())
        .isEqualTo(again.lease());
    assertThat(storage.finish(again.lease(), "w", new RunOutcome.Released("stop"))).isFalse();
    assertThat(storage.claim("s2", List.of("other", "default"), 5))
        .extracting(l -> l.spec().id())
        .containsExactly(waiting.id(), job.id());
  }

  @org.junit.jupiter.api.Test
  void malformedHandOverMessagesAreIgnored() {
    assertThat(RedisNotifications.handedOver("garbage")).isNull();
    assertThat(RedisNotifications.handedOver("[\"s\"]\n{}")).isNull();
  }
}
