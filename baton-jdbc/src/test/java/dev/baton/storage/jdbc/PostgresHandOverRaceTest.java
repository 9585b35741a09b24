package dev.baton.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.CreateResult;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.NewJob;
import dev.baton.storage.StorageListener;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Concurrent creates and claimOrOffer calls on real PostgreSQL (several storages, so several
 * connections and processes' worth of races): an offer is never used for more jobs than it has
 * slots, and every hand-over is pushed.
 */
class PostgresHandOverRaceTest {
  private static final String Q = "default";
  private static final Duration TTL = Duration.ofSeconds(30);
  private static final List<String> SERVERS = List.of("s1", "s2", "s3");

  private final PostgresFixture fixture = new PostgresFixture();
  private final ExecutorService pool = Executors.newFixedThreadPool(8);
  private final Set<JobId> pushed = ConcurrentHashMap.newKeySet();

  @AfterEach
  void close() {
    pool.shutdownNow();
    fixture.close();
  }

  private List<JdbcStorage> storages(int n) {
    List<JdbcStorage> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(fixture.open());
    }
    out.get(0)
        .subscribe(
            new StorageListener() {
              @Override
              public void jobHandedOver(LeasedJob job) {
                pushed.add(job.lease().jobId());
              }
            });
    return out;
  }

  /**
   * Rounds: the servers offer at once, then four threads create five batches of one to three jobs
   * each at once; each server got at most the slots it offered in that round.
   */
  @Test
  void concurrentCreatesNeverOverUseAnOffer() throws Exception {
    List<JdbcStorage> s = storages(4);
    int totalHanded = 0;
    for (int round = 0; round < 15; round++) {
      Map<String, Future<List<LeasedJob>>> offers = new HashMap<>();
      for (int i = 0; i < SERVERS.size(); i++) {
        String server = SERVERS.get(i);
        JdbcStorage storage = s.get(i);
        int max = 1 + round % 3;
        offers.put(server, pool.submit(() -> storage.claimOrOffer(server, List.of(Q), max, TTL)));
      }
      Map<String, Integer> offered = new HashMap<>();
      for (String server : SERVERS) {
        offered.put(server, 1 + round % 3 - offers.get(server).get().size());
      }
      List<Future<List<CreateResult>>> creates = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        JdbcStorage storage = s.get(t);
        creates.add(
            pool.submit(
                () -> {
                  List<CreateResult> results = new ArrayList<>();
                  for (int k = 0; k < 5; k++) {
                    results.addAll(storage.create(batch(k)));
                  }
                  return results;
                }));
      }
      List<JobId> handed = new ArrayList<>();
      for (Future<List<CreateResult>> f : creates) {
        for (CreateResult r : f.get()) {
          if (r.state() == JobState.PROCESSING) {
            handed.add(r.id());
          }
        }
      }
      Map<String, Integer> perServer = new HashMap<>();
      for (JobId id : handed) {
        perServer.merge(s.get(0).find(id).orElseThrow().owner(), 1, Integer::sum);
      }
      for (String server : SERVERS) {
        assertThat(perServer.getOrDefault(server, 0))
            .as("round %d, server %s", round, server)
            .isLessThanOrEqualTo(offered.get(server));
      }
      totalHanded += handed.size();
      s.get(0).claim("drain", List.of(Q), 1000);
    }
    assertThat(totalHanded).as("some jobs were handed over").isPositive();
  }

  /**
   * Servers call claimOrOffer in a loop while threads create: no create or claim fails, no offer
   * has fewer than zero slots, each server got at most the slots it offered in total, and every
   * hand-over was pushed.
   */
  @Test
  void claimOrOfferRacingCreatesNeverOverUsesAndEveryHandOverIsPushed() throws Exception {
    List<JdbcStorage> s = storages(5);
    AtomicBoolean stop = new AtomicBoolean();
    Map<String, AtomicInteger> offered = new ConcurrentHashMap<>();
    List<Future<?>> tasks = new ArrayList<>();
    for (int i = 0; i < SERVERS.size(); i++) {
      String server = SERVERS.get(i);
      JdbcStorage storage = s.get(i);
      offered.put(server, new AtomicInteger());
      tasks.add(
          pool.submit(
              () -> {
                int max = 1;
                while (!stop.get()) {
                  int leased = storage.claimOrOffer(server, List.of(Q), max, TTL).size();
                  offered.get(server).addAndGet(max - leased);
                  max = max % 3 + 1;
                }
                return null;
              }));
    }
    AtomicInteger created = new AtomicInteger();
    for (int t = 0; t < 3; t++) {
      JdbcStorage storage = s.get(2 + t);
      tasks.add(
          pool.submit(
              () -> {
                for (int k = 0; !stop.get(); k++) {
                  created.addAndGet(storage.create(batch(k)).size());
                }
                return null;
              }));
    }
    Thread.sleep(3_000);
    stop.set(true);
    for (Future<?> f : tasks) {
      f.get(); // rethrows any failure of a create or claimOrOffer
    }
    assertThat(
            PostgresHandOverTest.count(
                fixture, "SELECT count(*) FROM %s.baton_offers WHERE slots < 0"))
        .isZero();
    Map<String, Set<JobId>> handed = handedOver();
    int total = 0;
    for (String server : SERVERS) {
      int n = handed.getOrDefault(server, Set.of()).size();
      assertThat(n).as("server %s", server).isLessThanOrEqualTo(offered.get(server).get());
      total += n;
    }
    assertThat(total).as("of %d creates, some were handed over", created.get()).isPositive();
    Set<JobId> all = new java.util.HashSet<>();
    handed.values().forEach(all::addAll);
    await().atMost(Duration.ofSeconds(10)).until(() -> pushed.containsAll(all));
    assertThat(pushed).isEqualTo(all);
  }

  /** One, two or three plain jobs: batches use slots in order. */
  private static List<NewJob> batch(int k) {
    List<NewJob> jobs = new ArrayList<>();
    for (int i = 0; i <= k % 3; i++) {
      jobs.add(PostgresHandOverTest.job(Q));
    }
    return jobs;
  }

  /** Jobs handed over, by server, as the history says. */
  private Map<String, Set<JobId>> handedOver() throws Exception {
    Map<String, Set<JobId>> out = new HashMap<>();
    try (Connection c = PostgresFixture.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT job_id, server_id FROM "
                    + fixture.schema
                    + ".baton_history WHERE reason LIKE 'handed over to %'");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.computeIfAbsent(rs.getString(2), k -> new java.util.HashSet<>())
            .add(new JobId(rs.getObject(1, java.util.UUID.class)));
      }
    }
    return out;
  }
}
