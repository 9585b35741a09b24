package dev.baton.storage.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.concurrency.Concurrency;
import dev.baton.concurrency.Permit;
import dev.baton.concurrency.ReleasePolicy;
import dev.baton.concurrency.WaitPolicy;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.JobSpec;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.NewJob;
import dev.baton.storage.RunOutcome;
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
    storage.now();
    io.lettuce.core.RedisClient client =
        io.lettuce.core.RedisClient.create(RedisConformanceTest.URI);
    try (var conn = client.connect()) {
      conn.sync().scriptFlush();
    } finally {
      client.shutdown();
    }
    assertThat(storage.now()).isNotNull();
    assertThat(storage.countByState()).isNotNull();
  }
}
