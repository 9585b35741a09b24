package dev.baton.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.BatonException;
import dev.baton.job.JobId;
import dev.baton.storage.JobSpec;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.NewJob;
import dev.baton.storage.RunOutcome;
import dev.baton.storage.StorageListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The link to PostgreSQL goes down and comes back: operations fail with a BatonException meanwhile
 * (nothing half-done), the LISTEN connection reconnects by itself and says so (pushResumed), and no
 * job is lost.
 */
class ConnectionLossTest {

  private static NewJob job() {
    return NewJob.now(
        new JobSpec(JobId.newId(), "noop", "default", "{}", "{}", 1, null, null, null, null), "t");
  }

  @Test
  void storageRecoversAfterTheLinkIsCutAndNothingIsLost() throws Exception {
    try (PostgresFixture fixture = new PostgresFixture();
        TcpProxy proxy = new TcpProxy(5432)) {
      JdbcStorage direct = fixture.open();
      JdbcStorage viaProxy =
          fixture.register(
              JdbcStorage.postgres(
                      "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/test?socketTimeout=5")
                  .user(PostgresFixture.USER)
                  .schema(fixture.schema)
                  .poolSize(3)
                  .connectionTimeout(Duration.ofMillis(500))
                  .build());
      Set<String> woken = ConcurrentHashMap.newKeySet();
      java.util.concurrent.atomic.AtomicInteger resumed =
          new java.util.concurrent.atomic.AtomicInteger();
      viaProxy.subscribe(
          new StorageListener() {
            @Override
            public void jobsAvailable(String queue) {
              woken.add(queue);
            }

            @Override
            public void pushResumed() {
              resumed.incrementAndGet();
            }
          });
      List<NewJob> before = List.of(job(), job(), job());
      viaProxy.create(before);
      await().atMost(Duration.ofSeconds(5)).until(() -> woken.contains("default"));

      assertThat(resumed).hasValue(0);
      proxy.cut();
      assertThatThrownBy(() -> viaProxy.create(List.of(job())))
          .isInstanceOf(BatonException.class)
          .hasMessageContaining("create failed");
      List<NewJob> during = List.of(job(), job());
      direct.create(during); // the database itself is fine; only this client's link is down

      proxy.restore();
      await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> viaProxy.now() != null);
      // The LISTEN connection's reconnect tells the listeners that news may have been lost.
      await().atMost(Duration.ofSeconds(15)).until(() -> resumed.get() >= 1);
      woken.clear();
      // LISTEN reconnects with a backoff; new work wakes this client again.
      await()
          .atMost(Duration.ofSeconds(15))
          .until(
              () -> {
                direct.create(List.of(job()));
                return woken.contains("default");
              });

      List<JobId> expected = new ArrayList<>();
      before.forEach(j -> expected.add(j.spec().id()));
      during.forEach(j -> expected.add(j.spec().id()));
      List<JobId> claimed = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(10))
          .ignoreExceptions()
          .until(
              () -> {
                for (LeasedJob l : viaProxy.claim("s1", List.of("default"), 100)) {
                  claimed.add(l.lease().jobId());
                  viaProxy.finish(
                      l.lease(), "w", new RunOutcome.Succeeded(Duration.ofHours(1), "ok"));
                }
                return claimed.containsAll(expected);
              });
      assertThat(claimed).containsAll(expected);
    }
  }
}
