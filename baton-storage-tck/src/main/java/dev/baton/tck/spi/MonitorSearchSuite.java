package dev.baton.tck.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.concurrency.Uniqueness;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.state.StateEntry;
import dev.baton.storage.ContinuationCondition;
import dev.baton.storage.JobCursor;
import dev.baton.storage.JobPage;
import dev.baton.storage.JobRecord;
import dev.baton.storage.JobSearch;
import dev.baton.storage.Lease;
import dev.baton.storage.LogLine;
import dev.baton.storage.LogPage;
import dev.baton.storage.UniqueHold;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's read side of {@link dev.baton.storage.JobMonitor}: keyset-paged job search with a
 * bounded scan, one job with its history, log windows, continuations and held uniqueness keys.
 */
public abstract class MonitorSearchSuite extends SpiSuite {

  /** More pages than any listing in this suite needs; a storage that never ends fails. */
  private static final int MAX_PAGES = 100;

  // ------------------------------------------------------------------ search

  @Test
  void listsEveryStateAndAllStatesWithoutOne() {
    Map<JobState, JobId> byState = oneInEachState();

    for (Map.Entry<JobState, JobId> e : byState.entrySet()) {
      JobPage page = monitor().searchJobs(JobSearch.inState(e.getKey(), 50));
      assertThat(ids(page)).as("jobs %s", e.getKey()).containsExactly(e.getValue());
      assertThat(page.items()).allSatisfy(r -> assertThat(r.state()).isEqualTo(e.getKey()));
    }
    List<JobRecord> all = searchAll(JobSearch.inState(null, 50));
    assertThat(all)
        .extracting(r -> r.spec().id())
        .containsExactlyInAnyOrderElementsOf(byState.values());
    assertThat(all).allSatisfy(r -> assertThat(r.history()).isEmpty());
    assertThat(all).allSatisfy(r -> assertThat(r.logs()).isEmpty());
  }

  @Test
  void listedJobsCarryOwnerAndBlockInfo() {
    Map<JobState, JobId> byState = oneInEachState();

    JobRecord running =
        monitor().searchJobs(JobSearch.inState(JobState.PROCESSING, 5)).items().get(0);
    assertThat(running.owner()).isEqualTo(SERVER);
    assertThat(running.fencingToken()).isPositive();
    JobRecord blocked = monitor().searchJobs(JobSearch.inState(JobState.BLOCKED, 5)).items().get(0);
    assertThat(blocked.blocked()).as("block info of a listed BLOCKED job").isNotNull();
    assertThat(blocked.blocked().holders()).containsExactly(byState.get(JobState.PROCESSING));
  }

  @Test
  void filtersByQueueAndType() {
    List<JobId> mail =
        create(
            TestJob.job().queue("mail"), TestJob.job().queue("mail"), TestJob.job().queue("mail"));
    JobId encode = create(TestJob.job().queue("video").type("encode"));
    JobId plainVideo = create(TestJob.job().queue("video"));

    assertThat(
            ids(monitor().searchJobs(JobSearch.inState(JobState.ENQUEUED, 50).withQueue("mail"))))
        .containsExactlyInAnyOrderElementsOf(mail);
    assertThat(ids(monitor().searchJobs(JobSearch.inState(null, 50).withQueue("video"))))
        .containsExactlyInAnyOrder(encode, plainVideo);
    assertThat(ids(monitor().searchJobs(JobSearch.inState(null, 50).withType("encode"))))
        .containsExactly(encode);
    assertThat(
            ids(
                monitor()
                    .searchJobs(
                        JobSearch.inState(JobState.ENQUEUED, 50)
                            .withQueue("mail")
                            .withType("encode"))))
        .isEmpty();
    assertThat(ids(monitor().searchJobs(JobSearch.inState(JobState.FAILED, 50)))).isEmpty();
    assertThat(ids(monitor().searchJobs(JobSearch.inState(null, 50).withQueue("nowhere"))))
        .isEmpty();
  }

  @Test
  void searchesTextAsExactIdOrCaseInsensitiveArgumentSubstring() {
    JobId alice = create(TestJob.job().args("{\"email\":\"Alice@Example.com\",\"n\":1}"));
    JobId bob = create(TestJob.job().args("{\"email\":\"bob@example.COM\",\"n\":2}"));
    JobId other = create(TestJob.job().args("{\"n\":3}"));

    JobSearch all = JobSearch.inState(null, 50);
    assertThat(ids(monitor().searchJobs(all.withText("alice@EXAMPLE")))).containsExactly(alice);
    assertThat(ids(monitor().searchJobs(all.withText("example.com"))))
        .containsExactlyInAnyOrder(alice, bob);
    assertThat(ids(monitor().searchJobs(all.withText(other.toString())))).containsExactly(other);
    assertThat(
            ids(
                monitor()
                    .searchJobs(JobSearch.inState(JobState.ENQUEUED, 50).withText(bob.toString()))))
        .containsExactly(bob);
    assertThat(ids(monitor().searchJobs(all.withText("nobody@nowhere")))).isEmpty();
    assertThat(ids(monitor().searchJobs(all.withText("   "))))
        .containsExactlyInAnyOrder(alice, bob, other);
  }

  @Test
  void filtersByStateTimeFromInclusiveToExclusive() {
    List<JobId> early = create(TestJob.job(), TestJob.job());
    Instant earlyAt = monitor().job(early.get(0)).orElseThrow().stateAt();
    awaitStorageTimeAfter(earlyAt);
    List<JobId> late = create(TestJob.job(), TestJob.job());
    Instant lateAt = monitor().job(late.get(0)).orElseThrow().stateAt();
    assertThat(lateAt).isAfter(earlyAt);

    JobSearch enqueued = JobSearch.inState(JobState.ENQUEUED, 50);
    assertThat(ids(monitor().searchJobs(enqueued.between(lateAt, null))))
        .containsExactlyInAnyOrderElementsOf(late);
    assertThat(ids(monitor().searchJobs(enqueued.between(null, lateAt))))
        .containsExactlyInAnyOrderElementsOf(early);
    assertThat(ids(monitor().searchJobs(enqueued.between(earlyAt, lateAt))))
        .containsExactlyInAnyOrderElementsOf(early);
    assertThat(ids(monitor().searchJobs(JobSearch.inState(null, 50).between(earlyAt, null))))
        .containsExactlyInAnyOrderElementsOf(concat(early, late));
  }

  @Test
  void pagesThroughTiesOnStateTimeWithoutDuplicateOrGap() {
    // One batch: every job shares its state time, so only the id orders them.
    TestJob[] batch = new TestJob[25];
    for (int i = 0; i < batch.length; i++) {
      batch[i] = TestJob.job();
    }
    List<JobId> tied = create(batch);
    List<JobId> more = create(TestJob.job(), TestJob.job(), TestJob.job(), TestJob.job());
    Set<JobId> expected = new HashSet<>(concat(tied, more));

    for (JobState state : new JobState[] {JobState.ENQUEUED, null}) {
      List<JobPage> pages = new ArrayList<>();
      List<JobRecord> listed = new ArrayList<>();
      JobSearch search = JobSearch.inState(state, 4);
      for (JobCursor after = null; pages.isEmpty() || after != null; ) {
        assertThat(pages).as("pages so far").hasSizeLessThan(MAX_PAGES);
        JobPage page = monitor().searchJobs(search.after(after));
        pages.add(page);
        listed.addAll(page.items());
        after = page.next();
      }

      assertThat(pages.size()).as("pages of 4 among 29 jobs").isGreaterThanOrEqualTo(8);
      for (JobPage page : pages.subList(0, 7)) {
        assertThat(page.items()).as("a page with budget to spare is full").hasSize(4);
      }
      assertThat(listed).extracting(r -> r.spec().id()).doesNotHaveDuplicates();
      assertThat(listed)
          .extracting(r -> r.spec().id())
          .containsExactlyInAnyOrderElementsOf(expected);
      assertNewestFirst(listed);
    }
  }

  @Test
  void boundsTheScanAndGoesOnWithTheCursor() {
    JobId rare = create(TestJob.job().args("{\"needle\":\"Rare-Haystack-Needle\"}"));
    awaitStorageTimeAfter(monitor().job(rare).orElseThrow().stateAt());
    TestJob[] noise = new TestJob[30];
    for (int i = 0; i < noise.length; i++) {
      noise[i] = TestJob.job();
    }
    create(noise);

    for (JobState state : new JobState[] {JobState.ENQUEUED, null}) {
      JobSearch search = JobSearch.inState(state, 2).withText("rare-haystack").withScanLimit(5);
      JobPage first = monitor().searchJobs(search);
      assertThat(first.items()).as("the match lies beyond the first scan budget").isEmpty();
      assertThat(first.next()).as("a short page still says where to go on").isNotNull();
      assertThat(first.scanned()).isBetween(1, 5);

      List<JobId> found = new ArrayList<>();
      int pages = 1;
      for (JobCursor after = first.next(); after != null; pages++) {
        assertThat(pages).as("pages so far").isLessThan(MAX_PAGES);
        JobPage page = monitor().searchJobs(search.after(after));
        assertThat(page.scanned()).isLessThanOrEqualTo(5);
        found.addAll(ids(page));
        after = page.next();
      }
      assertThat(found).containsExactly(rare);
      assertThat(pages).as("31 candidates, 5 a page").isGreaterThanOrEqualTo(7);
    }
  }

  @Test
  void cursorRoundTripsThroughItsToken() {
    List<JobId> ids = create(TestJob.job(), TestJob.job(), TestJob.job());
    JobSearch search = JobSearch.inState(JobState.ENQUEUED, 1);
    JobPage first = monitor().searchJobs(search);
    JobCursor next = first.next();
    assertThat(next).isNotNull().isEqualTo(JobCursor.after(first.items().get(0)));

    JobCursor parsed = JobCursor.parse(next.toString());
    assertThat(parsed).isEqualTo(next);
    assertThat(ids(monitor().searchJobs(search.after(parsed))))
        .isEqualTo(ids(monitor().searchJobs(search.after(next))))
        .hasSize(1)
        .isSubsetOf(ids);

    JobCursor beforeEpoch =
        new JobCursor(Instant.parse("1969-12-31T23:59:59.123456789Z"), ids.get(0));
    assertThat(JobCursor.parse(beforeEpoch.toString())).isEqualTo(beforeEpoch);
    assertThatThrownBy(() -> JobCursor.parse("not-a-cursor"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JobCursor.parse(null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JobCursor.parse("12_nope"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ------------------------------------------------------------------ one job

  @Test
  void jobHasHistoryButNoLogs() {
    JobId id = create(TestJob.job());
    Lease lease = claimOne(id);
    assertThat(storage().report(lease, 30, List.of(line("one"), line("two")))).isTrue();
    succeed(lease);

    JobRecord record = monitor().job(id).orElseThrow();

    assertThat(record.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(record.progress()).isEqualTo(30);
    assertThat(record.history())
        .extracting(StateEntry::state)
        .containsExactly(JobState.ENQUEUED, JobState.PROCESSING, JobState.SUCCEEDED);
    assertThat(record.logs()).isEmpty();
    assertThat(storage().find(id).orElseThrow().logs()).hasSize(2);
    assertThat(monitor().job(JobId.newId())).isEmpty();
  }

  @Test
  void logsReadTheTailFirstAndWindowsByIndex() {
    JobId id = create(TestJob.job());
    Lease lease = claimOne(id);
    List<LogLine> firstSix = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      firstSix.add(line("line-" + i));
    }
    assertThat(storage().report(lease, null, firstSix)).isTrue();
    assertThat(
            storage()
                .report(
                    lease,
                    null,
                    List.of(line("line-6"), line("line-7"), line("line-8"), line("line-9"))))
        .isTrue();

    LogPage tail = monitor().logs(id, -1, 3);
    assertThat(messages(tail)).containsExactly("line-7", "line-8", "line-9");
    assertThat(tail.from()).isEqualTo(7);
    assertThat(tail.total()).isEqualTo(10);

    LogPage window = monitor().logs(id, 2, 3);
    assertThat(messages(window)).containsExactly("line-2", "line-3", "line-4");
    assertThat(window.from()).isEqualTo(2);
    assertThat(window.total()).isEqualTo(10);

    assertThat(messages(monitor().logs(id, 8, 5))).containsExactly("line-8", "line-9");
    assertThat(messages(monitor().logs(id, 0, 1))).containsExactly("line-0");
    LogPage whole = monitor().logs(id, -1, 50);
    assertThat(whole.lines()).hasSize(10);
    assertThat(whole.from()).isZero();
    assertThat(whole.lines().get(0).level()).isEqualTo("INFO");
    assertThat(whole.lines().get(0).at()).isNotNull();

    LogPage beyond = monitor().logs(id, 20, 5);
    assertThat(beyond.lines()).isEmpty();
    assertThat(beyond.total()).isEqualTo(10);
  }

  @Test
  void logsOfAJobWithoutLinesOrOfAnUnknownJobAreEmpty() {
    JobId quiet = create(TestJob.job());

    for (JobId id : List.of(quiet, JobId.newId())) {
      LogPage page = monitor().logs(id, -1, 10);
      assertThat(page.lines()).isEmpty();
      assertThat(page.total()).isZero();
      assertThat(monitor().logs(id, 0, 10).lines()).isEmpty();
    }
  }

  // ------------------------------------------------------------------ continuations, unique keys

  @Test
  void listsContinuationsOldestFirst() {
    JobId parent = create(TestJob.job().delay(Duration.ofHours(1)));
    JobId otherParent = create(TestJob.job().delay(Duration.ofHours(1)));
    List<JobId> children = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      children.add(
          createThenLetTimeMove(TestJob.job().after(parent, ContinuationCondition.ON_SUCCESS)));
    }
    JobId otherChild = create(TestJob.job().after(otherParent, ContinuationCondition.ON_ANY_FINAL));

    assertThat(monitor().continuations(parent, 10))
        .extracting(r -> r.spec().id())
        .containsExactlyElementsOf(children);
    assertThat(monitor().continuations(parent, 2))
        .extracting(r -> r.spec().id())
        .containsExactly(children.get(0), children.get(1));
    assertThat(monitor().continuations(parent, 10))
        .allSatisfy(r -> assertThat(r.spec().parent()).isEqualTo(parent))
        .allSatisfy(r -> assertThat(r.state()).isEqualTo(JobState.AWAITING));
    assertThat(monitor().continuations(otherParent, 10))
        .extracting(r -> r.spec().id())
        .containsExactly(otherChild);
    assertThat(monitor().continuations(children.get(0), 10)).isEmpty();
    assertThat(monitor().continuations(JobId.newId(), 10)).isEmpty();
  }

  @Test
  void listsHeldUniqueKeysByKeyWithTheirHolders() {
    JobId b = create(TestJob.job().unique("tck-b-key"));
    JobId a = create(TestJob.job().unique("tck-a-key", Uniqueness.Hold.TTL, Duration.ofHours(1)));
    JobId c = create(TestJob.job().queue("q-unique-done").unique("tck-c-key"));
    succeed(claimOne(c));
    Instant now = storage().now();

    List<UniqueHold> held = monitor().uniqueKeys(10);

    assertThat(held).extracting(UniqueHold::key).containsExactly("tck-a-key", "tck-b-key");
    assertThat(held.get(0).holder()).isEqualTo(a);
    assertThat(held.get(0).until()).isAfter(now.plus(Duration.ofMinutes(59)));
    assertThat(held.get(1)).isEqualTo(new UniqueHold("tck-b-key", b, null));
    assertThat(monitor().uniqueKeys(1)).extracting(UniqueHold::key).containsExactly("tck-a-key");
  }

  // ------------------------------------------------------------------ helpers

  /**
   * One job in each state a dashboard lists: ENQUEUED, SCHEDULED, AWAITING, PROCESSING (holding
   * mutex {@code tck-m}), BLOCKED (behind it), SUCCEEDED and FAILED, each in a queue of its own.
   */
  private Map<JobState, JobId> oneInEachState() {
    Map<JobState, JobId> byState = new EnumMap<>(JobState.class);
    byState.put(JobState.ENQUEUED, create(TestJob.job()));
    JobId scheduled = create(TestJob.job().queue("q-later").delay(Duration.ofHours(1)));
    byState.put(JobState.SCHEDULED, scheduled);
    byState.put(
        JobState.AWAITING,
        create(TestJob.job().queue("q-next").after(scheduled, ContinuationCondition.ON_SUCCESS)));
    TestJob onMutex = TestJob.job().queue("q-mutex").mutex("tck-m");
    List<JobId> mutex = create(onMutex.another(), onMutex.another());
    assertThat(ids(claim(SERVER, 2, "q-mutex"))).containsExactly(mutex.get(0));
    byState.put(JobState.PROCESSING, mutex.get(0));
    byState.put(JobState.BLOCKED, mutex.get(1));
    JobId done = create(TestJob.job().queue("q-done"));
    succeed(claimOne(done));
    byState.put(JobState.SUCCEEDED, done);
    JobId failed = create(TestJob.job().queue("q-fail"));
    fail(claimOne(failed));
    byState.put(JobState.FAILED, failed);
    return byState;
  }

  /** Every job of the search, following cursors to the end. */
  private List<JobRecord> searchAll(JobSearch search) {
    List<JobRecord> all = new ArrayList<>();
    JobCursor after = null;
    for (int pages = 0; pages == 0 || after != null; pages++) {
      assertThat(pages).as("pages so far").isLessThan(MAX_PAGES);
      JobPage page = monitor().searchJobs(search.after(after));
      assertThat(page.items()).hasSizeLessThanOrEqualTo(search.limit());
      assertThat(page.scanned()).isLessThanOrEqualTo(search.scanLimit());
      all.addAll(page.items());
      after = page.next();
    }
    assertNewestFirst(all);
    return all;
  }

  private static void assertNewestFirst(List<JobRecord> listed) {
    for (int i = 1; i < listed.size(); i++) {
      JobRecord previous = listed.get(i - 1);
      JobRecord next = listed.get(i);
      assertThat(JobCursor.after(previous).isBefore(next))
          .as(
              "%s (%s) is listed after %s (%s): newest state time first, ties by id descending",
              next.spec().id(), next.stateAt(), previous.spec().id(), previous.stateAt())
          .isTrue();
    }
  }

  private static List<JobId> ids(JobPage page) {
    return page.items().stream().map(r -> r.spec().id()).toList();
  }

  private static List<String> messages(LogPage page) {
    return page.lines().stream().map(LogLine::message).toList();
  }

  private static List<JobId> concat(List<JobId> a, List<JobId> b) {
    List<JobId> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private LogLine line(String message) {
    return new LogLine(storage().now(), "INFO", message);
  }

  /** Waits until the storage's clock is past {@code at}, so the next write gets a later time. */
  private void awaitStorageTimeAfter(Instant at) {
    eventually().until(() -> storage().now().isAfter(at.plusMillis(1)));
  }

  /** Creates a job, then waits for the storage clock to pass its creation, so order is certain. */
  private JobId createThenLetTimeMove(TestJob job) {
    JobId id = create(job);
    awaitStorageTimeAfter(job(id).createdAt());
    return id;
  }
}
