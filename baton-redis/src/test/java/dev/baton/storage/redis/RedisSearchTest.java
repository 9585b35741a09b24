package dev.baton.storage.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.JobCursor;
import dev.baton.storage.JobPage;
import dev.baton.storage.JobRecord;
import dev.baton.storage.JobSearch;
import dev.baton.storage.JobSpec;
import dev.baton.storage.NewJob;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What search.lua does beyond the kit: a cursor whose job has left the state (its place is found by
 * bisection among the jobs that share its time), bounds and cursors finer than the stored
 * microseconds, and the cap on candidates per call ({@link RedisReads#MAX_SCAN}).
 */
class RedisSearchTest {
  private final RedisFixture fixture = new RedisFixture(RedisConformanceTest.URI, false);
  private final RedisStorage storage = (RedisStorage) fixture.newStorage();

  @AfterEach
  void close() {
    fixture.close();
  }

  private static NewJob job(String type) {
    return NewJob.now(
        new JobSpec(JobId.newId(), type, "default", "{}", "{}", 3, null, null, null, null), "new");
  }

  private List<JobId> createBatch(int n, String type) {
    List<NewJob> jobs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      jobs.add(job(type));
    }
    storage.create(jobs);
    return jobs.stream().map(j -> j.spec().id()).toList();
  }

  @Test
  void aCursorWhoseJobLeftTheStateGoesOnWithoutGapOrDuplicate() {
    List<JobId> tied = createBatch(25, "t");
    JobSearch search = JobSearch.inState(JobState.ENQUEUED, 4);
    List<JobId> listed = new ArrayList<>();
    JobPage page = storage.searchJobs(search);
    page.items().forEach(r -> listed.add(r.spec().id()));
    JobId cursorJob = page.next().id();
    assertThat(storage.delete(cursorJob, "gone", Duration.ofMinutes(1))).isPresent();

    for (JobCursor after = page.next(); after != null; after = page.next()) {
      page = storage.searchJobs(search.after(after));
      page.items().forEach(r -> listed.add(r.spec().id()));
    }

    assertThat(listed).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(tied);
    List<JobId> sorted = new ArrayList<>(tied);
    sorted.sort((a, b) -> b.toString().compareTo(a.toString()));
    assertThat(listed).containsExactlyElementsOf(sorted);
  }

  @Test
  void boundsAndCursorsFinerThanAMicrosecondKeepTheJobsOfThatMicrosecondTogether() {
    JobId id = createBatch(1, "t").get(0);
    Instant at = storage.job(id).orElseThrow().stateAt();
    JobSearch enqueued = JobSearch.inState(JobState.ENQUEUED, 10);

    assertThat(ids(storage.searchJobs(enqueued.between(at, null)))).containsExactly(id);
    assertThat(ids(storage.searchJobs(enqueued.between(at.plusNanos(1), null)))).isEmpty();
    assertThat(ids(storage.searchJobs(enqueued.between(null, at)))).isEmpty();
    assertThat(ids(storage.searchJobs(enqueued.between(null, at.plusNanos(1)))))
        .containsExactly(id);
    // A cursor 500 ns after the job's time comes before it, whatever its id.
    JobCursor later = new JobCursor(at.plusNanos(500), new JobId(new java.util.UUID(0, 0)));
    assertThat(ids(storage.searchJobs(enqueued.after(later)))).containsExactly(id);
    assertThat(ids(storage.searchJobs(enqueued.after(new JobCursor(at, id))))).isEmpty();
  }

  @Test
  void oneCallReadsAtMostMaxScanCandidatesAndSaysWhereToGoOn() {
    List<JobId> real = createBatch(3, "many");
    // Index entries of jobs that are not there (cheaper than 11,000 jobs), older than the real
    // ones: candidates that never match.
    RedisClient client = RedisClient.create(RedisConformanceTest.URI);
    try (StatefulRedisConnection<String, String> conn = client.connect()) {
      List<ScoredValue<String>> fake = new ArrayList<>();
      for (int i = 0; i < 11_000; i++) {
        fake.add(ScoredValue.just(1.0 + i, JobId.newId().toString()));
      }
      conn.sync()
          .zadd("{" + fixture.namespace() + "}:st:ENQUEUED", fake.toArray(ScoredValue[]::new));
    } finally {
      client.shutdown();
    }
    JobSearch none =
        JobSearch.inState(JobState.ENQUEUED, 10).withType("none").withScanLimit(100_000);

    JobPage first = storage.searchJobs(none);
    assertThat(first.items()).isEmpty();
    assertThat(first.scanned()).isEqualTo(RedisReads.MAX_SCAN);
    assertThat(first.next()).isNotNull();
    JobPage rest = storage.searchJobs(none.after(first.next()));
    assertThat(rest.scanned()).isEqualTo(11_003 - RedisReads.MAX_SCAN);
    assertThat(rest.next()).isNull();

    JobPage many = storage.searchJobs(JobSearch.inState(null, 10).withType("many"));
    assertThat(ids(many)).containsExactlyInAnyOrderElementsOf(real);
    assertThat(many.next()).as("the scan stopped at the cap").isNotNull();
    JobPage all = storage.searchJobs(JobSearch.inState(JobState.ENQUEUED, 10));
    assertThat(ids(all)).as("index entries without a job are skipped").hasSize(3);
  }

  private static List<JobId> ids(JobPage page) {
    return page.items().stream().map(JobRecord::spec).map(JobSpec::id).toList();
  }
}
