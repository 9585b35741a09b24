package dev.baton.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.concurrency.Concurrency;
import dev.baton.concurrency.Permit;
import dev.baton.concurrency.ReleasePolicy;
import dev.baton.concurrency.WaitPolicy;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.JobRecord;
import dev.baton.storage.JobSpec;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.NewJob;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two claims race for a chain of jobs on one mutex key: claim A has locked the first job of the
 * chain (its candidate; it has not reached the permit row yet), claim B's SKIP LOCKED passes that
 * job by and reads the second one. B must not admit the second job: it would run before the first
 * (seen on CI in the kit's aChainOnOneKeyRunsInEnqueueOrder: 12, 0, 1, ... 11). The row lock of
 * claim A is taken here with a plain SELECT ... FOR UPDATE on another connection, so the race is
 * not left to timing.
 */
class MutexLineRaceTest {
  private static final String Q = "default";
  private static final Concurrency MUTEX =
      new Concurrency(
          List.of(Permit.mutex("video:7")), WaitPolicy.WAIT, ReleasePolicy.ON_LEAVE_PROCESSING);

  private static JobSpec chained() {
    return new JobSpec(JobId.newId(), "encode", Q, "{}", "{}", 3, null, null, MUTEX, null);
  }

  @Test
  void postgresDoesNotAdmitAJobPastAnEarlierOneAnotherClaimHolds() throws Exception {
    try (PostgresFixture f = new PostgresFixture()) {
      JdbcStorage storage = f.open();
      String schema = f.schema;
      race(
          storage,
          () -> {
            Connection c = PostgresFixture.connect();
            try (Statement st = c.createStatement()) {
              st.execute("SET search_path = " + schema);
            }
            return c;
          });
    }
  }

  @Test
  void h2DoesNotAdmitAJobPastAnEarlierOneAnotherClaimHolds() throws Exception {
    try (H2Fixture f = new H2Fixture()) {
      JdbcStorage storage = f.open();
      race(storage, () -> DriverManager.getConnection(JdbcStorageBuilder.h2Url(f.directory)));
    }
  }

  interface Connect {
    Connection open() throws Exception;
  }

  private static void race(JdbcStorage storage, Connect connect) throws Exception {
    JobSpec first = chained();
    JobSpec second = chained();
    storage.create(List.of(NewJob.now(first, "test"), NewJob.now(second, "test")));

    try (Connection claimA = connect.open()) {
      claimA.setAutoCommit(false);
      try (PreparedStatement ps =
          claimA.prepareStatement("SELECT id FROM baton_jobs WHERE id = ? FOR UPDATE")) {
        ps.setObject(1, first.id().value());
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
        }
      }

      // Claim B: the first job is locked, so it sees only the second, which must wait its turn.
      assertThat(storage.claim("server-b", List.of(Q), 10)).isEmpty();
      assertThat(state(storage, second.id())).isEqualTo(JobState.ENQUEUED);
      claimA.rollback();
    }

    // The first job's claim goes through; the second then waits behind it and says so.
    List<LeasedJob> claimed = storage.claim("server-a", List.of(Q), 10);
    assertThat(claimed).extracting(j -> j.lease().jobId()).containsExactly(first.id());
    JobRecord waiting = storage.find(second.id()).orElseThrow();
    assertThat(waiting.state()).isEqualTo(JobState.BLOCKED);
    assertThat(waiting.blocked().holders()).containsExactly(first.id());
  }

  private static JobState state(JdbcStorage storage, JobId id) {
    return storage.find(id).orElseThrow().state();
  }
}
