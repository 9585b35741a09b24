package dev.baton.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.concurrency.Concurrency;
import dev.baton.concurrency.Permit;
import dev.baton.concurrency.ReleasePolicy;
import dev.baton.concurrency.WaitPolicy;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.CreateResult;
import dev.baton.storage.JobRecord;
import dev.baton.storage.JobSpec;
import dev.baton.storage.Lease;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.NewJob;
import dev.baton.storage.StorageListener;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * PostgreSQL hand-over: a plain create finds an idle server's offer and leases the job to it in the
 * same statement; the push carries the whole lease; everything else declines to ENQUEUED.
 */
class PostgresHandOverTest {
  private static final Duration TTL = Duration.ofSeconds(30);
  private static final String Q = "default";

  private final PostgresFixture fixture = new PostgresFixture();
  private final CountingDataSource counting = new CountingDataSource();
  private final Map<JobId, LeasedJob> pushed = new ConcurrentHashMap<>();
  private final List<String> available = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    fixture.close();
  }

  private JdbcStorage listening(JdbcStorage s) {
    s.subscribe(
        new StorageListener() {
          @Override
          public void jobsAvailable(String queue) {
            available.add(queue);
          }

          @Override
          public void jobHandedOver(LeasedJob job) {
            pushed.put(job.lease().jobId(), job);
          }
        });
    return s;
  }

  static JobSpec spec(String queue, String args) {
    return new JobSpec(JobId.newId(), "noop", queue, args, "{}", 3, null, null, null, null);
  }

  static NewJob job(String queue) {
    return NewJob.now(spec(queue, "{}"), "test");
  }

  private static JobState state(CreateResult r) {
    return r.state();
  }

  @Test
  void aPlainCreateIsHandedOverInOneStatementAndThePushCarriesTheLease() {
    JdbcStorage s = listening(counting.storage(fixture));
    assertThat(s.handsOver()).isTrue();
    assertThat(s.claimOrOffer("srv", List.of(Q), 2, TTL)).isEmpty();
    NewJob job =
        NewJob.now(
            new JobSpec(
                JobId.newId(),
                "mail.send",
                Q,
                "{\"to\":\"Zoë 😀\",\"body\":\"tab\\there \\\"q\\\" \\\\ ü\"}",
                "{\"retry\":\"x\\ty\"}",
                5,
                null,
                null,
                null,
                null),
            "because");
    counting.reset();
    List<CreateResult> results = s.create(List.of(job));
    assertThat(counting.statements).hasValue(1);
    assertThat(counting.commits).hasValue(0);
    assertThat(results).containsExactly(CreateResult.created(job.spec().id(), JobState.PROCESSING));

    JobRecord r = s.find(job.spec().id()).orElseThrow();
    assertThat(r.state()).isEqualTo(JobState.PROCESSING);
    assertThat(r.owner()).isEqualTo("srv");
    assertThat(r.fencingToken()).isEqualTo(1);
    assertThat(r.runAt()).isNull();
    assertThat(r.history())
        .extracting(h -> h.state())
        .containsExactly(JobState.ENQUEUED, JobState.PROCESSING);
    assertThat(r.history().get(0).reason()).isEqualTo("because");
    assertThat(r.history().get(1).serverId()).isEqualTo("srv");

    LeasedJob expected =
        new LeasedJob(new Lease(job.spec().id(), "srv", 1), job.spec(), 1, r.createdAt());
    await().atMost(Duration.ofSeconds(5)).until(() -> pushed.containsKey(job.spec().id()));
    assertThat(pushed.get(job.spec().id())).isEqualTo(expected);
    assertThat(s.leasedTo("srv")).containsExactly(expected);
    // The lease is the real one: the server can finish under it.
    assertThat(
            s.finish(
                expected.lease(),
                "w",
                new dev.baton.storage.RunOutcome.Succeeded(Duration.ofHours(1), "ok")))
        .isTrue();
  }

  @Test
  void handOversAreHeardBeforeTheJobsAvailableOfTheSameCreate() {
    JdbcStorage s = fixture.open();
    List<String> heard = new CopyOnWriteArrayList<>();
    s.subscribe(
        new StorageListener() {
          @Override
          public void jobsAvailable(String queue) {
            heard.add("available " + queue);
          }

          @Override
          public void jobHandedOver(LeasedJob job) {
            heard.add("handed " + job.spec().queue());
          }
        });
    s.claimOrOffer("srv", List.of(Q), 2, TTL);
    assertThat(s.create(List.of(job(Q), job(Q), job(Q), job(Q))))
        .extracting(CreateResult::state)
        .containsExactly(
            JobState.PROCESSING, JobState.PROCESSING, JobState.ENQUEUED, JobState.ENQUEUED);
    await().atMost(Duration.ofSeconds(5)).until(() -> heard.size() == 3);
    assertThat(heard).containsExactly("handed " + Q, "handed " + Q, "available " + Q);
  }

  @Test
  void theNoOfferCreateStaysOneStatement() {
    JdbcStorage s = counting.storage(fixture);
    s.claimOrOffer("other-queue-server", List.of("elsewhere"), 4, TTL);
    counting.reset();
    assertThat(s.create(List.of(job(Q))))
        .extracting(PostgresHandOverTest::state)
        .containsExactly(JobState.ENQUEUED);
    assertThat(counting.statements).hasValue(1);
    assertThat(counting.commits).hasValue(0);
  }

  @Test
  void anIdleClaimOrOfferCostsWhatAClaimDoesOnOneQueueAndOneStatementMoreOnTwo() {
    JdbcStorage s = counting.storage(fixture);
    counting.reset();
    assertThat(s.claimOrOffer("srv", List.of(Q), 3, TTL)).isEmpty();
    assertThat(counting.statements).hasValue(1);
    assertThat(counting.commits).hasValue(0);

    // Two queues: the claim's own transaction, plus the statement that leaves the offer.
    s.claim("warm", List.of("x", "y"), 3);
    counting.reset();
    s.claim("plain", List.of("x", "y"), 3);
    int claimStatements = counting.statements.get();
    int claimCommits = counting.commits.get();
    counting.reset();
    assertThat(s.claimOrOffer("srv", List.of("x", "y"), 3, TTL)).isEmpty();
    assertThat(counting.statements).hasValue(claimStatements + 1);
    assertThat(counting.commits).hasValue(claimCommits);
  }

  @Test
  void slotsAreUsedInBatchOrderAndNeverOverUsed() {
    JdbcStorage s = listening(fixture.open());
    s.claimOrOffer("srv", List.of(Q, "b"), 2, TTL);
    NewJob a1 = job(Q);
    NewJob b1 = job("b");
    NewJob a2 = job(Q);
    NewJob b2 = job("b");
    assertThat(s.create(List.of(a1, b1, a2, b2)))
        .extracting(PostgresHandOverTest::state)
        .containsExactly(
            JobState.PROCESSING, JobState.PROCESSING, JobState.ENQUEUED, JobState.ENQUEUED);
    // The offer is used up: the next one waits in line (and would not overtake a2 anyway).
    assertThat(s.create(List.of(job("c"))))
        .extracting(PostgresHandOverTest::state)
        .containsExactly(JobState.ENQUEUED);
    await().atMost(Duration.ofSeconds(5)).until(() -> pushed.size() == 2);
    assertThat(pushed).containsOnlyKeys(a1.spec().id(), b1.spec().id());
  }

  @Test
  void whatIsNotPlainOrWouldOvertakeIsDeclined() {
    JdbcStorage s = fixture.open();
    s.claimOrOffer("srv", List.of(Q), 10, TTL);
    Concurrency mutex =
        new Concurrency(
            List.of(Permit.mutex("m")), WaitPolicy.WAIT, ReleasePolicy.ON_LEAVE_PROCESSING);
    NewJob withPermit =
        NewJob.now(
            new JobSpec(JobId.newId(), "noop", Q, "{}", "{}", 3, null, null, mutex, null), "t");
    NewJob later = new NewJob(spec(Q, "{}"), null, Duration.ofMinutes(5), "later");
    NewJob otherQueue = job("not-offered");
    assertThat(s.create(List.of(later)))
        .extracting(PostgresHandOverTest::state)
        .containsExactly(JobState.SCHEDULED);
    assertThat(s.create(List.of(otherQueue)))
        .extracting(PostgresHandOverTest::state)
        .containsExactly(JobState.ENQUEUED);
    assertThat(s.create(List.of(withPermit)))
        .extracting(PostgresHandOverTest::state)
        .containsExactly(JobState.ENQUEUED);
    // withPermit waits in the queue: a plain job behind it must not overtake it.
    assertThat(s.create(List.of(job(Q))))
        .extracting(PostgresHandOverTest::state)
        .containsExactly(JobState.ENQUEUED);
    s.claim("drain", List.of(Q), 10);
    assertThat(s.create(List.of(job(Q))))
        .extracting(PostgresHandOverTest::state)
        .containsExactly(JobState.PROCESSING);
  }

  @Test
  void withdrawnExpiredAndForgottenOffersAreNotUsed() throws Exception {
    JdbcStorage s = fixture.open();
    s.claimOrOffer("srv", List.of(Q), 3, TTL);
    s.claimOrOffer("srv", List.of(Q), 0, TTL);
    assertThat(s.create(List.of(job(Q))))
        .extracting(PostgresHandOverTest::state)
        .containsExactly(JobState.ENQUEUED);
    s.claim("drain", List.of(Q), 10);

    s.claimOrOffer("srv", List.of(Q), 3, Duration.ofMillis(1));
    Thread.sleep(20); // the offer's ttl passes on the database clock
    assertThat(s.create(List.of(job(Q))))
        .extracting(PostgresHandOverTest::state)
        .containsExactly(JobState.ENQUEUED);
    s.claim("drain", List.of(Q), 10);
    s.purgeExpired(10);
    assertThat(count(fixture, "SELECT count(*) FROM %s.baton_offers")).isZero();

    s.heartbeat(new dev.baton.storage.ServerBeat("srv", "h", List.of(Q), 3, List.of()));
    s.claimOrOffer("srv", List.of(Q), 3, TTL);
    s.deregister("srv", "bye");
    assertThat(s.create(List.of(job(Q))))
        .extracting(PostgresHandOverTest::state)
        .containsExactly(JobState.ENQUEUED);
    assertThat(count(fixture, "SELECT count(*) FROM %s.baton_offer_queues")).isZero();
  }

  @Test
  void aClaimOrOfferClaimsFirstAndOffersOnlyTheMissingSlots() {
    JdbcStorage s = fixture.open();
    s.create(List.of(job(Q)));
    assertThat(s.claimOrOffer("srv", List.of(Q), 2, TTL)).hasSize(1);
    assertThat(s.create(List.of(job(Q), job(Q))))
        .extracting(PostgresHandOverTest::state)
        .containsExactly(JobState.PROCESSING, JobState.ENQUEUED);
    // Two queues: the claim goes on in a transaction, which leaves the offer.
    s.claim("drain", List.of(Q), 10);
    assertThat(s.claimOrOffer("srv", List.of("x", Q), 1, TTL)).isEmpty();
    assertThat(s.create(List.of(job(Q))))
        .extracting(PostgresHandOverTest::state)
        .containsExactly(JobState.PROCESSING);
    // One claimed, two handed over.
    assertThat(s.leasedTo("srv")).hasSize(3);
  }

  @Test
  void transactionalEnqueueDeclines() throws Exception {
    JdbcStorage s = fixture.open();
    s.claimOrOffer("srv", List.of(Q), 2, TTL);
    PGSimpleDataSource app = new PGSimpleDataSource();
    app.setURL(PostgresFixture.URL);
    app.setUser(PostgresFixture.USER);
    try (Connection c = app.getConnection()) {
      c.setAutoCommit(false);
      assertThat(s.create(c, List.of(job(Q))))
          .extracting(PostgresHandOverTest::state)
          .containsExactly(JobState.ENQUEUED);
      c.commit();
    }
    s.claim("drain", List.of(Q), 10);
    // The offer was not touched.
    assertThat(s.create(List.of(job(Q), job(Q))))
        .extracting(PostgresHandOverTest::state)
        .containsExactly(JobState.PROCESSING, JobState.PROCESSING);
  }

  /**
   * Arguments around the NOTIFY limit (payloads under 8000 bytes): every create succeeds, the ones
   * whose lease fits are handed over and pushed intact, from the first that does not fit on they
   * are declined (ENQUEUED, jobsAvailable). Bytes count, not characters.
   */
  @Test
  void aLeaseThatWouldNotFitTheNotifyPayloadIsDeclined() {
    JdbcStorage s = listening(fixture.open());
    s.claimOrOffer("srv", List.of(Q), 1000, TTL);
    Integer firstDeclined = null;
    int handed = 0;
    for (int n = 7_550; n <= 7_950; n++) {
      JobSpec spec = spec(Q, "{\"s\":\"" + "a".repeat(n) + "\"}");
      JobState state = s.create(List.of(NewJob.now(spec, "t"))).get(0).state();
      if (state == JobState.PROCESSING) {
        assertThat(firstDeclined).as("handed over after declining a smaller one").isNull();
        handed++;
        JobId id = spec.id();
        await().atMost(Duration.ofSeconds(5)).until(() -> pushed.containsKey(id));
        assertThat(pushed.get(id).spec()).isEqualTo(spec);
      } else {
        assertThat(state).isEqualTo(JobState.ENQUEUED);
        firstDeclined = firstDeclined == null ? n : firstDeclined;
        s.claim("drain", List.of(Q), 10);
      }
    }
    assertThat(handed).isPositive();
    assertThat(firstDeclined).isNotNull();

    // Multi-byte characters: 2,000 euro signs are 6,000 bytes in UTF-8; 3,000 are 9,000 bytes,
    // though fewer than 8,000 characters.
    JobSpec fits = spec(Q, "{\"s\":\"" + "€".repeat(2_000) + "😀\"}");
    JobSpec tooBig = spec(Q, "{\"s\":\"" + "€".repeat(3_000) + "\"}");
    assertThat(s.create(List.of(NewJob.now(fits, "t"))).get(0).state())
        .isEqualTo(JobState.PROCESSING);
    await().atMost(Duration.ofSeconds(5)).until(() -> pushed.containsKey(fits.id()));
    assertThat(pushed.get(fits.id()).spec()).isEqualTo(fits);
    available.clear();
    assertThat(s.create(List.of(NewJob.now(tooBig, "t"))).get(0).state())
        .isEqualTo(JobState.ENQUEUED);
    await().atMost(Duration.ofSeconds(5)).until(() -> available.contains(Q));
    assertThat(pushed).doesNotContainKey(tooBig.id());
  }

  /**
   * A create that finds its offer locked uses another one at once (SKIP LOCKED); if every offer for
   * its queue is locked (its server is replacing it after a job finished), it waits for the lock
   * instead of declining, and then sees the replaced offer.
   */
  @Test
  void aLockedOfferIsSkippedIfAnotherStandsAndWaitedForIfNot() throws Exception {
    JdbcStorage s = fixture.open();
    s.claimOrOffer("busy", List.of(Q), 1, TTL);
    s.claimOrOffer("free", List.of(Q), 1, TTL);
    try (Connection c = PostgresFixture.connect()) {
      c.setAutoCommit(false);
      lockOffer(c, "busy", 1);
      NewJob first = job(Q);
      assertThat(s.create(List.of(first)))
          .extracting(CreateResult::state)
          .containsExactly(JobState.PROCESSING);
      assertThat(s.find(first.spec().id()).orElseThrow().owner()).isEqualTo("free");
      c.rollback();
    }
    s.claim("drain", List.of(Q), 10);
    s.claimOrOffer("free", List.of(Q), 0, TTL);
    try (Connection c = PostgresFixture.connect()) {
      c.setAutoCommit(false);
      lockOffer(c, "busy", 2); // as the server's next claimOrOffer would replace it
      java.util.concurrent.CompletableFuture<List<CreateResult>> created =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> s.create(List.of(job(Q), job(Q))));
      Thread.sleep(300);
      assertThat(created).isNotDone();
      c.commit();
      assertThat(created.get(5, java.util.concurrent.TimeUnit.SECONDS))
          .extracting(CreateResult::state)
          .containsExactly(JobState.PROCESSING, JobState.PROCESSING);
    }
    assertThat(s.leasedTo("busy")).hasSize(2);
  }

  private void lockOffer(Connection c, String server, int slots) throws Exception {
    try (var ps =
        c.prepareStatement(
            "UPDATE " + fixture.schema + ".baton_offers SET slots = ? WHERE server_id = ?")) {
      ps.setInt(1, slots);
      ps.setString(2, server);
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
  }

  /**
   * With thousands of jobs waiting in other queues (and table statistics that say so), the create's
   * look for ENQUEUED jobs in its queue stays a probe of the partial index: as NOT EXISTS the
   * planner scanned the table for it, milliseconds per hand-over.
   */
  @Test
  void theHandOverLooksAreIndexProbesHoweverManyJobsWait() throws Exception {
    JdbcStorage s = fixture.open();
    s.create(java.util.stream.IntStream.range(0, 3_000).mapToObj(i -> job("busy")).toList());
    s.claimOrOffer("srv", List.of(Q), 5, TTL);
    StringBuilder plan = new StringBuilder();
    try (Connection c = PostgresFixture.connect()) {
      c.createStatement().execute("ANALYZE " + fixture.schema + ".baton_jobs");
      c.setSchema(fixture.schema);
      try (var ps = c.prepareStatement("EXPLAIN " + FastCreate.CREATE)) {
        ps.setArray(1, c.createArrayOf("uuid", new Object[] {java.util.UUID.randomUUID()}));
        Object[][] texts = {{"noop"}, {Q}, {"{}"}, {"{}"}};
        for (int k = 0; k < texts.length; k++) {
          ps.setArray(2 + k, c.createArrayOf("text", texts[k]));
        }
        ps.setArray(6, c.createArrayOf("int4", new Object[] {3}));
        ps.setArray(7, c.createArrayOf("text", new Object[] {null}));
        ps.setArray(8, c.createArrayOf("text", new Object[] {null}));
        ps.setArray(9, c.createArrayOf("int8", new Object[] {null}));
        ps.setArray(10, c.createArrayOf("text", new Object[] {"t"}));
        ps.setBoolean(11, true);
        for (int k = 12; k <= 15; k++) {
          ps.setString(k, "x");
        }
        try (var rs = ps.executeQuery()) {
          while (rs.next()) {
            plan.append(rs.getString(1)).append('\n');
          }
        }
      }
    }
    assertThat(plan.toString())
        .doesNotContain("Seq Scan on baton_jobs")
        .contains("baton_jobs_enqueued");
  }

  /** A count in the fixture's schema ({@code %s} in {@code sql}). */
  static long count(PostgresFixture fixture, String sql) throws Exception {
    try (Connection c = PostgresFixture.connect();
        var st = c.createStatement();
        var rs = st.executeQuery(String.format(sql, fixture.schema))) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
