package dev.baton.storage.jdbc;

import static org.awaitility.Awaitility.await;

import dev.baton.job.JobId;
import dev.baton.storage.JobSpec;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.NewJob;
import dev.baton.storage.StorageListener;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** H2 has no push channel: another client's revocation must still reach a listener within 1 s. */
class H2NotificationTest {
  @Test
  void aRevocationByAnotherClientIsHeardWithinASecond() {
    try (H2Fixture f = new H2Fixture()) {
      JdbcStorage owner = f.open();
      JdbcStorage other = f.open();
      Set<JobId> revoked = ConcurrentHashMap.newKeySet();
      Set<String> available = ConcurrentHashMap.newKeySet();
      owner.subscribe(
          new StorageListener() {
            @Override
            public void leaseRevoked(String serverId, JobId jobId) {
              revoked.add(jobId);
            }

            @Override
            public void jobsAvailable(String queue) {
              available.add(queue);
            }
          });
      JobSpec spec =
          new JobSpec(JobId.newId(), "noop", "q1", "{}", "{}", 1, null, null, null, null);
      other.create(List.of(NewJob.now(spec, "t")));
      await().atMost(Duration.ofSeconds(1)).until(() -> available.contains("q1"));
      List<LeasedJob> leased = owner.claim("s1", List.of("q1"), 1);
      other.requeue(leased.get(0).lease().jobId(), "stuck");
      await().atMost(Duration.ofSeconds(1)).until(() -> revoked.contains(spec.id()));
    }
  }

  @Test
  void aJobEnqueuedInTheApplicationsTransactionWakesThisProcessAfterTheCommit() throws Exception {
    try (H2Fixture f = new H2Fixture()) {
      JdbcStorage storage = f.open();
      Set<String> available = ConcurrentHashMap.newKeySet();
      storage.subscribe(
          new StorageListener() {
            @Override
            public void jobsAvailable(String queue) {
              available.add(queue);
            }
          });
      JobSpec spec =
          new JobSpec(JobId.newId(), "noop", "q2", "{}", "{}", 1, null, null, null, null);
      try (java.sql.Connection c =
          java.sql.DriverManager.getConnection(JdbcStorageBuilder.h2Url(f.directory))) {
        c.setAutoCommit(false);
        storage.create(c, List.of(NewJob.now(spec, "in the app's transaction")));
        c.commit();
      }
      await().atMost(Duration.ofSeconds(1)).until(() -> available.contains("q2"));
      await().atMost(Duration.ofSeconds(1)).until(() -> storage.find(spec.id()).isPresent());
    }
  }
}
