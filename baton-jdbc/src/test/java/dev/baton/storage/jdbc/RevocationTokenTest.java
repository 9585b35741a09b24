package dev.baton.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.job.JobId;
import dev.baton.storage.JobSpec;
import dev.baton.storage.JobStorage;
import dev.baton.storage.Lease;
import dev.baton.storage.NewJob;
import dev.baton.tck.StorageFixture;
import dev.baton.tck.spi.RecordingListener;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A revocation names the lease it takes away (owner, job and fencing token), heard by another
 * storage instance: PostgreSQL through NOTIFY, H2 through the polled events table.
 */
class RevocationTokenTest {
  static Stream<Supplier<StorageFixture>> fixtures() {
    return Stream.of(PostgresFixture::new, H2Fixture::new);
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void aRequeueRevokesTheExactLease(Supplier<StorageFixture> factory) throws Exception {
    try (StorageFixture f = factory.get()) {
      JobStorage writer = f.newStorage();
      JobStorage other = f.newStorage();
      RecordingListener heard = new RecordingListener();
      other.subscribe(heard);
      JobSpec spec =
          new JobSpec(JobId.newId(), "noop", "default", "{}", "{}", 3, null, null, null, null);
      writer.create(List.of(NewJob.now(spec, "test")));
      Lease lease = writer.claim("srv", List.of("default"), 1).get(0).lease();
      writer.requeue(spec.id(), "test");
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (!heard.heardRevoked(lease) && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(heard.heardRevoked(lease)).isTrue();
      assertThat(heard.heardRevoked(new Lease(spec.id(), "srv", lease.token() - 1))).isFalse();
    }
  }
}
