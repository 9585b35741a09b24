package dev.baton.storage.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.concurrency.Uniqueness;
import dev.baton.concurrency.Uniqueness.Hold;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.Completion;
import dev.baton.storage.ContinuationCondition;
import dev.baton.storage.JobQuery;
import dev.baton.storage.JobSpec;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.NewJob;
import dev.baton.storage.RunOutcome;
import dev.baton.storage.ServerBeat;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hot paths' shortcuts in the stored data: the plain-job mark ({@code pl}) and PROCESSING
 * counted from the lease sets, not from an {@code st:PROCESSING} index; and data written before
 * either existed (jobs without the mark, a left-over {@code st:PROCESSING}) still works. The
 * dashboard's indexes: continuations by parent ({@code kc:}) and held uniqueness keys ({@code uqs},
 * {@code uqx}), kept by create, release and purge; continuations written before {@code kc:}.
 */
class RedisStoredFormatTest {
  private final RedisFixture fixture = new RedisFixture(RedisConformanceTest.URI, false);
  private final RedisStorage storage = (RedisStorage) fixture.newStorage();
  private final RedisClient client = RedisClient.create(RedisConformanceTest.URI);
  private final StatefulRedisConnection<String, String> conn = client.connect();
  private final RedisCommands<String, String> redis = conn.sync();
  private final String p = "{" + fixture.namespace() + "}:";

  @AfterEach
  void close() {
    conn.close();
    client.shutdown();
    fixture.close();
  }

  private static JobSpec spec(JobId parent, Uniqueness unique) {
    return new JobSpec(
        JobId.newId(),
        "t",
        "default",
        "{\"a\":1}",
        "{\"m\":2}",
        3,
        parent,
        parent == null ? null : ContinuationCondition.ON_SUCCESS,
        null,
        unique);
  }

  private static RunOutcome ok() {
    return new RunOutcome.Succeeded(Duration.ofMinutes(1), "ok");
  }

  @Test
  void plainJobsAreMarkedAndLoseTheMarkWhenTheyGetContinuations() {
    JobSpec plain = spec(null, null);
    JobSpec unique = spec(null, new Uniqueness("u1", Hold.UNTIL_FINISH, null));
    storage.create(List.of(NewJob.now(plain, "new"), NewJob.now(unique, "new")));
    assertThat(redis.hget(p + "j:" + plain.id(), "pl")).isEqualTo("1");
    assertThat(redis.hget(p + "j:" + unique.id(), "pl")).isEqualTo("0");

    List<LeasedJob> leased = storage.claim("s1", List.of("default"), 10);
    assertThat(leased).extracting(LeasedJob::spec).containsExactly(plain, unique);
    // A continuation added while its parent runs: the parent's finish must take the long path.
    JobSpec child = spec(plain.id(), null);
    storage.create(List.of(NewJob.now(child, "next")));
    assertThat(redis.hget(p + "j:" + plain.id(), "pl")).isEqualTo("0");
    assertThat(redis.hget(p + "j:" + child.id(), "pl")).isEqualTo("0");
    assertThat(storage.find(child.id()).orElseThrow().state()).isEqualTo(JobState.AWAITING);

    assertThat(
            storage.finishAll(
                leased.stream().map(l -> new Completion(l.lease(), "w", ok())).toList()))
        .containsExactly(true, true);
    assertThat(storage.find(child.id()).orElseThrow().state()).isEqualTo(JobState.ENQUEUED);
    assertThat(redis.get(p + "uq:u1")).isNull();
    assertThat(storage.claim("s1", List.of("default"), 10))
        .extracting(LeasedJob::spec)
        .containsExactly(child);
  }

  @Test
  void dataWrittenWithoutTheMarkOrWithTheOldProcessingIndexStillWorks() {
    JobSpec a = spec(null, null);
    JobSpec b = spec(null, null);
    JobSpec c = spec(null, null);
    storage.create(List.of(NewJob.now(a, "new"), NewJob.now(b, "new"), NewJob.now(c, "new")));
    // As an earlier version wrote them: no plain mark.
    for (JobSpec s : List.of(a, b, c)) {
      redis.hdel(p + "j:" + s.id(), "pl");
    }
    List<LeasedJob> leased = storage.claim("s1", List.of("default"), 2);
    assertThat(leased).extracting(LeasedJob::spec).containsExactly(a, b);
    // ... and an st:PROCESSING index: its two jobs, and c, which is not PROCESSING (left over).
    redis.zadd(p + "st:PROCESSING", 1, a.id().toString());
    redis.zadd(p + "st:PROCESSING", 1, b.id().toString());
    redis.zadd(p + "st:PROCESSING", 1, c.id().toString());

    // PROCESSING comes from the lease sets, even for a server that never sent a heartbeat.
    assertThat(storage.countByState()).containsEntry(JobState.PROCESSING, 2L);
    assertThat(storage.findJobs(JobQuery.inState(JobState.PROCESSING, 10)).items())
        .extracting(r -> r.spec().id())
        .containsExactlyInAnyOrder(a.id(), b.id());
    assertThat(storage.queues())
        .singleElement()
        .satisfies(q -> assertThat(q.processing()).isEqualTo(2));

    assertThat(storage.finish(leased.get(0).lease(), "w", ok())).isTrue();
    assertThat(storage.finish(leased.get(0).lease(), "w", ok())).isFalse();
    assertThat(storage.countByState())
        .containsEntry(JobState.PROCESSING, 1L)
        .containsEntry(JobState.SUCCEEDED, 1L);
    assertThat(storage.find(a.id()).orElseThrow().history())
        .extracting(h -> h.state())
        .containsExactly(JobState.ENQUEUED, JobState.PROCESSING, JobState.SUCCEEDED);

    // A heartbeat drops the left-over entries of jobs that are no longer PROCESSING.
    storage.heartbeat(
        new ServerBeat("s1", "h", List.of("default"), 1, List.of(leased.get(1).lease())));
    assertThat(redis.zrange(p + "st:PROCESSING", 0, -1)).containsExactly(b.id().toString());

    assertThat(storage.deregister("s1", "bye")).containsExactly(b.id());
    assertThat(storage.countByState()).containsEntry(JobState.PROCESSING, 0L);
    assertThat(storage.findJobs(JobQuery.inState(JobState.PROCESSING, 10)).items()).isEmpty();
  }

  @Test
  void theDashboardIndexesFollowTheJobsAndOldContinuationsAreStillListed() {
    JobSpec parent = spec(null, new Uniqueness("u-hold", Hold.UNTIL_FINISH, null));
    JobSpec ttl = spec(null, new Uniqueness("u-ttl", Hold.TTL, Duration.ofMillis(50)));
    storage.create(List.of(NewJob.now(parent, "new"), NewJob.now(ttl, "new")));
    JobSpec child = spec(parent.id(), null);
    JobSpec older = spec(parent.id(), null);
    storage.create(List.of(NewJob.now(child, "next"), NewJob.now(older, "next")));
    assertThat(redis.zrange(p + "kc:" + parent.id(), 0, -1))
        .containsExactlyInAnyOrder(child.id().toString(), older.id().toString());
    assertThat(redis.zrange(p + "uqs", 0, -1)).containsExactly("u-hold", "u-ttl");
    assertThat(redis.zrange(p + "uqx", 0, -1)).containsExactly("u-ttl");

    // As an earlier version wrote it: the AWAITING child in c: only.
    redis.zrem(p + "kc:" + parent.id(), older.id().toString());
    assertThat(storage.continuations(parent.id(), 10))
        .extracting(r -> r.spec().id())
        .containsExactlyInAnyOrder(child.id(), older.id());

    // The TTL hold runs out: purge drops its index entries; a stale entry is skipped and dropped.
    Awaitility.await().until(() -> redis.exists(p + "uq:u-ttl") == 0);
    storage.purgeExpired(100);
    assertThat(redis.zrange(p + "uqs", 0, -1)).containsExactly("u-hold");
    assertThat(redis.exists(p + "uqx")).isZero();
    redis.zadd(p + "uqs", 0, "u-stale");
    assertThat(storage.uniqueKeys(10)).extracting(h -> h.key()).containsExactly("u-hold");
    assertThat(redis.zrange(p + "uqs", 0, -1)).containsExactly("u-hold");

    // The parent finishes: its key is released; once purged, its continuations' index goes too.
    List<LeasedJob> leased = storage.claim("s1", List.of("default"), 10);
    assertThat(leased).extracting(l -> l.spec().id()).contains(parent.id());
    LeasedJob p1 = leased.stream().filter(l -> l.spec().id().equals(parent.id())).findFirst().get();
    assertThat(storage.finish(p1.lease(), "w", new RunOutcome.Succeeded(Duration.ZERO, "ok")))
        .isTrue();
    assertThat(redis.exists(p + "uqs")).isZero();
    Awaitility.await()
        .until(
            () -> {
              storage.purgeExpired(100);
              return redis.exists(p + "j:" + parent.id()) == 0;
            });
    assertThat(redis.exists(p + "kc:" + parent.id())).isZero();
  }
}
