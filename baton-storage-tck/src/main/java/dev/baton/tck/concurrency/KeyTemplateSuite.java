package dev.baton.tck.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.client.JobRequest;
import dev.baton.concurrency.Permit;
import dev.baton.concurrency.UniqueJob;
import dev.baton.job.JobId;
import dev.baton.job.JobOptions;
import dev.baton.job.JobType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Key templates through the client and the storage: resolved keys are what the storage keeps, and
 * an argument that does not fill a template creates nothing, not even the rest of its batch.
 */
public abstract class KeyTemplateSuite extends ConcurrencySuite {
  /** Nested arguments, with a component order that is not alphabetical. */
  public record Order(String tenant, Customer customer, long orderId) {}

  /** A nested record. */
  public record Customer(String id, String region) {}

  static final JobType<Order> ORDER =
      JobType.of("tck-key-order", Order.class)
          .withOptions(
              o ->
                  o.mutex("order:{orderId}")
                      .semaphore("region:{customer.region}", 2)
                      .mutex("{{tenant}}:{0}")
                      .unique(UniqueJob.byKey("o:{0}:{2}")));

  @SuppressWarnings({"unchecked", "rawtypes"})
  static final JobType<Map<String, Object>> LOOSE =
      (JobType) JobType.of("tck-key-loose", Map.class).withOptions(o -> o.mutex("user:{user.id}"));

  @Test
  void theStorageKeepsTheResolvedKeys() {
    JobId id =
        enqueue(ORDER, new Order("acme", new Customer("c7", "eu"), 42), JobOptions.NONE).id();
    var spec = view(id).record().spec();
    assertThat(spec.concurrency().permits())
        .containsExactly(
            Permit.mutex("order:42"),
            Permit.semaphore("region:eu", 2),
            Permit.mutex("{tenant}:acme"));
    assertThat(spec.unique().key()).isEqualTo("o:acme:42");
  }

  @Test
  void anArgumentThatDoesNotFillTheTemplateCreatesNothing() {
    JobId good = JobId.newId();
    JobId bad = JobId.newId();
    List<JobRequest> batch =
        List.of(
            JobRequest.of(LOOSE, Map.<String, Object>of("user", Map.of("id", 7))).withId(good),
            JobRequest.of(LOOSE, Map.<String, Object>of("user", Map.of("name", "x"))).withId(bad));
    assertThatThrownBy(() -> client().enqueueAll(batch))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'user:{user.id}'")
        .hasMessageContaining("'user.id'")
        .hasMessageContaining("'tck-key-loose'");
    assertThat(client().find(good)).as("the batch is all or nothing").isEmpty();
    assertThat(client().find(bad)).isEmpty();

    java.util.Map<String, Object> withNull = new java.util.HashMap<>();
    withNull.put("user", null);
    assertThatThrownBy(() -> client().enqueue(LOOSE, withNull))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("null");
  }
}
