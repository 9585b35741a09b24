package dev.baton.storage.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.concurrency.Concurrency;
import dev.baton.concurrency.Permit;
import dev.baton.concurrency.ReleasePolicy;
import dev.baton.concurrency.Uniqueness;
import dev.baton.concurrency.Uniqueness.Hold;
import dev.baton.concurrency.WaitPolicy;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.Completion;
import dev.baton.storage.JobSpec;
import dev.baton.storage.Lease;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.NewJob;
import dev.baton.storage.RunOutcome;
import dev.baton.storage.StorageListener;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A quick walk through the main transitions, before the shared kit covers them all. */
class RedisSmokeTest {
  private final RedisFixture fixture = new RedisFixture(RedisConformanceTest.URI, false);
  private final RedisStorage storage = (RedisStorage) fixture.newStorage();

  @AfterEach
  void close() {
    fixture.close();
  }

  private static JobSpec spec(Concurrency c) {
    return new JobSpec(JobId.newId(), "t", "default", "{}", "{}", 3, null, null, c, null);
  }

  @Test
  void createClaimFinish() {
    Concurrency mutex =
        new Concurrency(
            List.of(Permit.mutex("m")), WaitPolicy.WAIT, ReleasePolicy.ON_LEAVE_PROCESSING);
    JobSpec a = spec(mutex);
    JobSpec b = spec(mutex);
    var created = storage.create(List.of(NewJob.now(a, "new"), NewJob.now(b, "new")));
    assertThat(created).allMatch(r -> r.created() && r.state() == JobState.ENQUEUED);
    List<LeasedJob> leased = storage.claim("s1", List.of("default"), 10);
    assertThat(leased).hasSize(1);
    assertThat(leased.get(0).spec()).isEqualTo(a);
    assertThat(storage.find(b.id()).orElseThrow().state()).isEqualTo(JobState.BLOCKED);
    assertThat(storage.find(b.id()).orElseThrow().blocked().holders()).containsExactly(a.id());
    assertThat(
            storage.finish(
                leased.get(0).lease(), "w", new RunOutcome.Succeeded(Duration.ofMinutes(1), "ok")))
        .isTrue();
    assertThat(storage.find(b.id()).orElseThrow().state()).isEqualTo(JobState.ENQUEUED);
    List<LeasedJob> next = storage.claim("s1", List.of("default"), 10);
    assertThat(next).extracting(l -> l.spec().id()).containsExactly(b.id());
    var rec = storage.find(a.id()).orElseThrow();
    assertThat(rec.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(rec.history())
        .extracting(h -> h.state())
        .containsExactly(JobState.ENQUEUED, JobState.PROCESSING, JobState.SUCCEEDED);
    assertThat(storage.countByState().get(JobState.SUCCEEDED)).isEqualTo(1);
    assertThat(
            storage.findJobs(dev.baton.storage.JobQuery.inState(JobState.PROCESSING, 10)).items())
        .hasSize(1);
    assertThat(storage.concurrencyKeys()).hasSize(1);
    assertThat(storage.queues()).hasSize(1);
    assertThat(storage.tryLock("l", "me", Duration.ofSeconds(5))).isPresent();
    assertThat(storage.locks()).hasSize(1);
  }

  @Test
  void scriptsAreSentAgainAfterRedisLostThem() {
    RedisFixture scriptsOnly = new RedisFixture(RedisConformanceTest.URI, false, false);
    try {
      RedisStorage s = (RedisStorage) scriptsOnly.newStorage();
      assertThat(s.usesFunctions()).isFalse();
      s.now();
      withRedis(conn -> conn.sync().scriptFlush());
      assertThat(s.now()).isNotNull();
      assertThat(s.countByState()).isNotNull();
    } finally {
      scriptsOnly.close();
    }
  }

  @Test
  void functionsAreLoadedAgainAfterRedisLostThem() {
    assertThat(storage.usesFunctions()).isTrue();
    storage.now();
    withRedis(conn -> conn.sync().functionFlush(io.lettuce.core.FlushMode.SYNC));
    JobSpec a = spec(null);
    assertThat(storage.create(List.of(NewJob.now(a, "new")))).hasSize(1);
    assertThat(storage.countByState()).containsEntry(JobState.ENQUEUED, 1L);
    withRedis(
        conn ->
            assertThat(conn.sync().functionList())
                .anySatisfy(
                    l -> assertThat(l.get("library_name").toString()).startsWith("baton_")));
  }

  private static void withRedis(
      java.util.function.Consumer<io.lettuce.core.api.StatefulRedisConnection<String, String>>
          action) {
    io.lettuce.core.RedisClient client =
        io.lettuce.core.RedisClient.create(RedisConformanceTest.URI);
    try (var conn = client.connect()) {
      action.accept(conn);
    } finally {
      client.shutdown();
    }
  }

  @Test
  void batchesMixFastAndLongPathsAndKeepEveryIndexRight() {
    // More jobs than one variadic slice (2,000 ids), plain ones and some that go the long way
    // (a mutex, a uniqueness key held until start or until final).
    List<NewJob> jobs = new java.util.ArrayList<>();
    for (int i = 0; i < 2_500; i++) {
      Uniqueness unique =
          i % 7 == 0
              ? new Uniqueness("u" + i, i % 2 == 0 ? Hold.UNTIL_START : Hold.UNTIL_FINISH, null)
              : null;
      Concurrency c =
          i % 500 == 0
              ? new Concurrency(
                  List.of(Permit.semaphore("sem", 10)),
                  WaitPolicy.WAIT,
                  ReleasePolicy.ON_LEAVE_PROCESSING)
              : null;
      jobs.add(
          NewJob.now(
              new JobSpec(JobId.newId(), "t", "default", "{}", "{}", 3, null, null, c, unique),
              "new"));
    }
    storage.create(jobs);
    List<LeasedJob> leased = storage.claim("s1", List.of("default"), 3_000);
    assertThat(leased).hasSize(2_500);
    assertThat(leased)
        .extracting(l -> l.spec().id())
        .containsExactlyElementsOf(jobs.stream().map(j -> j.spec().id()).toList());
    assertThat(leased).allMatch(l -> l.lease().token() == 1 && l.attempt() == 1);
    assertThat(leased.get(7).spec().unique()).isEqualTo(jobs.get(7).spec().unique());
    assertThat(leased.get(500).spec().concurrency()).isNotNull();
    assertThat(storage.countByState()).containsEntry(JobState.PROCESSING, 2_500L);

    List<Completion> done = new java.util.ArrayList<>();
    for (LeasedJob l : leased) {
      done.add(new Completion(l.lease(), "w", new RunOutcome.Succeeded(Duration.ofHours(1), "ok")));
    }
    // A stale lease in the same batch is refused, the rest applied.
    done.add(
        new Completion(
            new Lease(leased.get(1).lease().jobId(), "s1", 0),
            "w",
            new RunOutcome.Succeeded(Duration.ofHours(1), "late")));
    List<Boolean> applied = storage.finishAll(done);
    assertThat(applied.subList(0, 2_500)).containsOnly(true);
    assertThat(applied.get(2_500)).isFalse();
    assertThat(storage.countByState())
        .containsEntry(JobState.SUCCEEDED, 2_500L)
        .containsEntry(JobState.PROCESSING, 0L);
    assertThat(storage.concurrencyKeys()).allMatch(k -> k.holders().isEmpty());
    // Every uniqueness key is free again: a new job with the same key is created.
    var again =
        storage.create(
            List.of(
                NewJob.now(
                    new JobSpec(
                        JobId.newId(),
                        "t",
                        "default",
                        "{}",
                        "{}",
                        3,
                        null,
                        null,
                        null,
                        new Uniqueness("u7", Hold.UNTIL_FINISH, null)),
                    "new")));
    assertThat(again.get(0).created()).isTrue();
    var rec = storage.find(leased.get(3).spec().id()).orElseThrow();
    assertThat(rec.history())
        .extracting(h -> h.state())
        .containsExactly(JobState.ENQUEUED, JobState.PROCESSING, JobState.SUCCEEDED);
    assertThat(rec.history().get(1).serverId()).isEqualTo("s1");
    assertThat(rec.history().get(1).reason()).isEqualTo("claimed");
    assertThat(rec.history().get(2).worker()).isEqualTo("w");
  }

  @Test
  void historyLinesKeepTextThatNeedsEscaping() {
    JobSpec a = spec(null);
    storage.create(List.of(NewJob.now(a, "new")));
    LeasedJob l = storage.claim("s/\"1\"", List.of("default"), 1).get(0);
    String reason = "line one\nline \"two\" \\ tab\t ünïcödé / € 🎉";
    String worker = "w\u0001\u007f";
    assertThat(
            storage.finish(
                l.lease(), worker, new RunOutcome.Succeeded(Duration.ofHours(1), reason)))
        .isTrue();
    var h = storage.find(a.id()).orElseThrow().history();
    assertThat(h.get(1).serverId()).isEqualTo("s/\"1\"");
    assertThat(h.get(2).reason()).isEqualTo(reason);
    assertThat(h.get(2).worker()).isEqualTo(worker);
  }

  @Test
  void revocationsNameTheRevokedLease() throws Exception {
    java.util.concurrent.BlockingQueue<Lease> revoked =
        new java.util.concurrent.LinkedBlockingQueue<>();
    try (var sub =
        storage.subscribe(
            new StorageListener() {
              @Override
              public void leaseRevoked(Lease lease) {
                revoked.add(lease);
              }
            })) {
      JobSpec a = spec(null);
      storage.create(List.of(NewJob.now(a, "new")));
      Lease first = storage.claim("s1", List.of("default"), 1).get(0).lease();
      storage.requeue(a.id(), "again");
      assertThat(revoked.poll(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(first);
      Lease second = storage.claim("s1", List.of("default"), 1).get(0).lease();
      assertThat(second.token()).isEqualTo(first.token() + 1);
      storage.delete(a.id(), "gone", Duration.ofHours(1));
      assertThat(revoked.poll(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(second);
    }
  }

  @Test
  void revocationMessagesAreParsedOrIgnored() {
    JobId id = JobId.newId();
    assertThat(RedisNotifications.revokedLease("s\nx\n" + id + "\n7"))
        .isEqualTo(new Lease(id, "s\nx", 7));
    assertThat(RedisNotifications.revokedLease("s\n" + id)).isNull();
    assertThat(RedisNotifications.revokedLease("garbage")).isNull();
  }
}
