package dev.baton.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.concurrency.Concurrency;
import dev.baton.concurrency.Permit;
import dev.baton.concurrency.ReleasePolicy;
import dev.baton.concurrency.WaitPolicy;
import dev.baton.job.JobId;
import dev.baton.state.ExceptionInfo;
import dev.baton.state.JobState;
import dev.baton.storage.Completion;
import dev.baton.storage.JobSpec;
import dev.baton.storage.Lease;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.NewJob;
import dev.baton.storage.RunOutcome;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL: a claim commits without waiting for the WAL flush unless durableClaims(true) is set,
 * or admission made a move that must not be lost; and a finish group mixing jobs with and without
 * permits (the set-based path and the careful path) applies each completion as it would alone.
 */
class PostgresClaimCommitTest {
  private static final Concurrency MUTEX =
      new Concurrency(
          List.of(Permit.mutex("k")), WaitPolicy.WAIT, ReleasePolicy.ON_LEAVE_PROCESSING);

  private static JobSpec spec(Concurrency c) {
    return new JobSpec(JobId.newId(), "noop", "default", "{}", "{}", 3, null, null, c, null);
  }

  /** Claims up to 10 jobs and returns the synchronous_commit the claim's commit would use. */
  private static String claimCommitSetting(JdbcStorage s, boolean async) {
    return s.database()
        .tx(
            "test",
            tx -> {
              ClaimOp.claim(tx, "srv", List.of("default"), 10, async);
              try (PreparedStatement ps = tx.prepare("SHOW synchronous_commit");
                  ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
              }
            });
  }

  @Test
  void claimsCommitWithoutWaitingForTheFlushByDefault() {
    try (PostgresFixture f = new PostgresFixture()) {
      JdbcStorage s = f.open();
      s.create(List.of(NewJob.now(spec(null), "test")));
      assertThat(claimCommitSetting(s, true)).isEqualTo("off");
      s.create(List.of(NewJob.now(spec(null), "test")));
      assertThat(claimCommitSetting(s, false)).isEqualTo("on");
    }
  }

  @Test
  void durableClaimsKeepsTheClaimCommitDurable() {
    try (PostgresFixture f = new PostgresFixture()) {
      JdbcStorage s = f.register(f.builder().durableClaims(true).build());
      s.create(List.of(NewJob.now(spec(null), "test")));
      assertThat(s.claim("srv", List.of("default"), 10)).hasSize(1);
      assertThat(s.database().durableClaims).isTrue();
      JdbcStorage byDefault = f.open();
      assertThat(byDefault.database().durableClaims).isFalse();
    }
  }

  @Test
  void aClaimThatParksAWaiterCommitsDurably() {
    try (PostgresFixture f = new PostgresFixture()) {
      JdbcStorage s = f.open();
      JobSpec a = spec(MUTEX);
      JobSpec b = spec(MUTEX);
      s.create(List.of(NewJob.now(a, "test"), NewJob.now(b, "test")));
      assertThat(claimCommitSetting(s, true)).isEqualTo("on");
      assertThat(s.find(b.id()).orElseThrow().state()).isEqualTo(JobState.BLOCKED);
    }
  }

  @Test
  void aClaimThatTakesAPermitCommitsDurably() {
    try (PostgresFixture f = new PostgresFixture()) {
      JdbcStorage s = f.open();
      s.create(List.of(NewJob.now(spec(MUTEX), "test")));
      assertThat(claimCommitSetting(s, true)).isEqualTo("on");
    }
  }

  @Test
  void anIdleClaimOrOneWithoutPermitsIsOneStatementWithoutCommit() {
    try (PostgresFixture f = new PostgresFixture()) {
      CountingDataSource counting = new CountingDataSource();
      JdbcStorage s = counting.storage(f);
      counting.reset();
      assertThat(s.claim("srv", List.of("default"), 10)).isEmpty();
      s.create(List.of(NewJob.now(spec(null), "test"), NewJob.now(spec(null), "test")));
      assertThat(s.claim("srv", List.of("default"), 10)).hasSize(2);
      assertThat(counting.statements).hasValue(3);
      assertThat(counting.commits).hasValue(0);
    }
  }

  @Test
  void aClaimMixingPermitsReturnsTheJobsInQueueOrder() {
    try (PostgresFixture f = new PostgresFixture()) {
      JdbcStorage s = f.open();
      List<JobSpec> specs = List.of(spec(null), spec(MUTEX), spec(null), spec(MUTEX), spec(null));
      s.create(specs.stream().map(j -> NewJob.now(j, "test")).toList());
      assertThat(s.claim("srv", List.of("default"), 10))
          .extracting(j -> j.lease().jobId())
          .containsExactly(
              specs.get(0).id(), specs.get(1).id(), specs.get(2).id(), specs.get(4).id());
      assertThat(s.find(specs.get(3).id()).orElseThrow().state()).isEqualTo(JobState.BLOCKED);
    }
  }

  @Test
  void aMixedFinishGroupAppliesEachCompletionAsAlone() {
    try (PostgresFixture f = new PostgresFixture()) {
      JdbcStorage s = f.open();
      JobSpec plain = spec(null);
      JobSpec retried = spec(null);
      JobSpec guarded = spec(MUTEX);
      JobSpec stale = spec(null);
      s.create(
          List.of(
              NewJob.now(plain, "test"),
              NewJob.now(retried, "test"),
              NewJob.now(guarded, "test"),
              NewJob.now(stale, "test")));
      List<LeasedJob> leased = s.claim("srv", List.of("default"), 10);
      assertThat(leased).hasSize(4);
      Lease plainLease = leased.get(0).lease();
      ExceptionInfo boom = new ExceptionInfo("java.lang.IllegalStateException", "boom", "at x");
      List<Boolean> results =
          s.finishAll(
              List.of(
                  new Completion(
                      plainLease, "w1", new RunOutcome.Succeeded(Duration.ofHours(1), "ok")),
                  new Completion(
                      leased.get(1).lease(),
                      "w2",
                      new RunOutcome.Retry(Duration.ofMinutes(5), boom, "retry")),
                  new Completion(
                      leased.get(2).lease(), "w3", new RunOutcome.Failed(boom, "for good")),
                  new Completion(
                      new Lease(stale.id(), "srv", leased.get(3).lease().token() + 1),
                      "w4",
                      new RunOutcome.Succeeded(Duration.ofHours(1), "stale")),
                  new Completion(plainLease, "w1", new RunOutcome.Failed(null, "twice"))));
      assertThat(results).containsExactly(true, true, true, false, false);

      var p = s.find(plain.id()).orElseThrow();
      assertThat(p.state()).isEqualTo(JobState.SUCCEEDED);
      assertThat(p.expireAt()).isEqualTo(p.stateAt().plus(Duration.ofHours(1)));
      assertThat(p.history().get(2).worker()).isEqualTo("w1");
      assertThat(p.history().get(2).serverId()).isEqualTo("srv");
      assertThat(p.history().get(2).reason()).isEqualTo("ok");

      var r = s.find(retried.id()).orElseThrow();
      assertThat(r.state()).isEqualTo(JobState.SCHEDULED);
      assertThat(r.attempt()).isEqualTo(2);
      assertThat(r.runAt()).isEqualTo(r.stateAt().plus(Duration.ofMinutes(5)));
      assertThat(r.history().get(2).exception()).isEqualTo(boom);

      var g = s.find(guarded.id()).orElseThrow();
      assertThat(g.state()).isEqualTo(JobState.FAILED);
      assertThat(g.history()).extracting(h -> h.state()).endsWith(JobState.FAILED);
      assertThat(s.concurrencyKeys().stream().filter(k -> k.permit().key().equals("k")).toList())
          .allSatisfy(k -> assertThat(k.holders()).isEmpty());

      assertThat(s.find(stale.id()).orElseThrow().state()).isEqualTo(JobState.PROCESSING);
    }
  }
}
