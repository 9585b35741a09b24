package dev.baton.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.concurrency.Uniqueness;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.CreateResult;
import dev.baton.storage.JobRecord;
import dev.baton.storage.JobSpec;
import dev.baton.storage.NewJob;
import dev.baton.storage.StorageListener;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * PostgreSQL: a create of jobs without uniqueness key or parent is one auto-commit statement;
 * duplicates and mixed batches give the results of the general path; its notifications are heard
 * only once the jobs are committed.
 */
class PostgresFastCreateTest {
  private final PostgresFixture fixture = new PostgresFixture();
  private final CountingDataSource counting = new CountingDataSource();

  @AfterEach
  void close() {
    fixture.close();
  }

  private static NewJob job(String queue) {
    return NewJob.now(spec(queue, null), "test");
  }

  private static JobSpec spec(String queue, Uniqueness unique) {
    return new JobSpec(JobId.newId(), "noop", queue, "{}", "{}", 3, null, null, null, unique);
  }

  @Test
  void aPlainBatchIsOneStatementWithoutCommit() {
    JdbcStorage s = counting.storage(fixture);
    NewJob now = job("default");
    NewJob later = new NewJob(spec("default", null), null, Duration.ofMinutes(5), "later");
    counting.reset();
    List<CreateResult> results = s.create(List.of(now, later));
    assertThat(counting.statements).hasValue(1);
    assertThat(counting.commits).hasValue(0);
    assertThat(results)
        .containsExactly(
            CreateResult.created(now.spec().id(), JobState.ENQUEUED),
            CreateResult.created(later.spec().id(), JobState.SCHEDULED));
    JobRecord l = s.find(later.spec().id()).orElseThrow();
    assertThat(l.runAt()).isEqualTo(l.createdAt().plus(Duration.ofMinutes(5)));
    assertThat(l.history())
        .singleElement()
        .satisfies(h -> assertThat(h.reason()).isEqualTo("later"));
    assertThat(l.history().get(0).at()).isEqualTo(l.createdAt());
    JobRecord n = s.find(now.spec().id()).orElseThrow();
    assertThat(n.runAt()).isNull();
    assertThat(n.stateAt()).isEqualTo(n.createdAt());
  }

  @Test
  void aBatchWithAnExistingIdReportsTheDuplicateAndCreatesTheRest() {
    JdbcStorage s = fixture.open();
    NewJob old = job("default");
    s.create(List.of(old));
    s.claim("srv", List.of("default"), 1);
    NewJob fresh = job("default");
    assertThat(s.create(List.of(fresh, old)))
        .containsExactly(
            CreateResult.created(fresh.spec().id(), JobState.ENQUEUED),
            CreateResult.duplicate(old.spec().id(), JobState.PROCESSING));
    assertThat(s.find(fresh.spec().id())).isPresent();
  }

  @Test
  void aMixedBatchTakesTheGeneralPathWithTheSameResults() {
    JdbcStorage s = fixture.open();
    Uniqueness key = new Uniqueness("k", Uniqueness.Hold.UNTIL_FINISH, null);
    NewJob first = NewJob.now(spec("default", key), "test");
    NewJob plain = job("default");
    NewJob second = NewJob.now(spec("default", key), "test");
    assertThat(s.create(List.of(first, plain, second, plain)))
        .containsExactly(
            CreateResult.created(first.spec().id(), JobState.ENQUEUED),
            CreateResult.created(plain.spec().id(), JobState.ENQUEUED),
            CreateResult.duplicate(first.spec().id(), JobState.ENQUEUED),
            CreateResult.duplicate(plain.spec().id(), JobState.ENQUEUED));
  }

  @Test
  void theNotificationComesWithTheCommit() throws Exception {
    JdbcStorage s = fixture.open();
    List<String> heard = new CopyOnWriteArrayList<>();
    s.subscribe(
        new StorageListener() {
          @Override
          public void jobsAvailable(String queue) {
            heard.add(queue);
          }
        });
    s.create(List.of(job("a"), job("b"), job("a")));
    await().atMost(Duration.ofSeconds(5)).until(() -> heard.size() >= 2);
    assertThat(heard).containsExactlyInAnyOrder("a", "b");

    heard.clear();
    PGSimpleDataSource app = new PGSimpleDataSource();
    app.setURL(PostgresFixture.URL);
    app.setUser(PostgresFixture.USER);
    NewJob rolledBack = job("rolled-back");
    assertThatThrownBy(
            () ->
                s.inTransaction(
                    app,
                    c -> {
                      assertThat(s.create(c, List.of(rolledBack))).hasSize(1);
                      throw new IllegalStateException("declined");
                    }))
        .hasMessage("declined");
    try (Connection c = app.getConnection()) {
      c.setAutoCommit(false);
      s.create(c, List.of(job("committed")));
      Thread.sleep(200); // a notification sent before the commit would arrive meanwhile
      assertThat(heard).isEmpty();
      c.commit();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> heard.contains("committed"));
    assertThat(heard).containsExactly("committed");
    assertThat(s.find(rolledBack.spec().id())).isEmpty();
  }
}
