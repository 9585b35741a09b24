package dev.baton.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.job.JobOptions;
import dev.baton.json.JsonCodec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyResolverTest {
  record Customer(String id, String region) {}

  record Order(long orderId, Customer customer, boolean rush, List<String> tags) {}

  record Renamed(@JsonProperty("video_id") int videoId) {}

  private final JsonCodec json = new JsonCodec();
  private final KeyResolver keys = new KeyResolver(json);

  private JsonNode args(Object value) {
    return json.tree(json.write(value));
  }

  private final JsonNode order =
      args(new Order(42, new Customer("c-7", "eu"), true, List.of("a", "b")));

  @Test
  void fillsFieldsNestedFieldsAndPositions() {
    assertThat(keys.resolve("t", "order:{orderId}", order)).isEqualTo("order:42");
    assertThat(keys.resolve("t", "c:{customer.id}/{customer.region}", order)).isEqualTo("c:c-7/eu");
    assertThat(keys.resolve("t", "{0}-{2}", order)).isEqualTo("42-true");
    assertThat(keys.resolve("t", "{1.1}", order)).isEqualTo("eu");
    assertThat(keys.resolve("t", "{tags.1}", order)).isEqualTo("b");
    assertThat(keys.resolve("t", "x:{0}", args(List.of("first", 2)))).isEqualTo("x:first");
    assertThat(keys.resolve("t", "x:{1}", args(List.of("first", 2)))).isEqualTo("x:2");
  }

  @Test
  void rendersObjectsAndArraysAsCanonicalJson() {
    assertThat(keys.resolve("t", "{customer}", order))
        .isEqualTo("{\"id\":\"c-7\",\"region\":\"eu\"}");
    assertThat(keys.resolve("t", "{tags}", order)).isEqualTo("[\"a\",\"b\"]");
    JsonNode unordered = json.tree("{\"m\":{\"b\":1,\"a\":2}}");
    assertThat(keys.resolve("t", "{m}", unordered)).isEqualTo("{\"a\":2,\"b\":1}");
  }

  @Test
  void escapesBraces() {
    assertThat(keys.resolve("t", "{{literal}}:{orderId}", order)).isEqualTo("{literal}:42");
    assertThat(keys.resolve("t", "plain", order)).isEqualTo("plain");
  }

  @Test
  void recordPositionsFollowDeclarationOrder() {
    record Backwards(String zeta, String alpha) {}
    assertThat(keys.resolve("t", "{0}", args(new Backwards("z", "a")))).isEqualTo("z");
  }

  @Test
  void missingOrNullFieldNamesTemplateFieldAndType() {
    assertThatThrownBy(() -> keys.resolve("send-mail", "user:{userId}", order))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'user:{userId}'")
        .hasMessageContaining("'userId'")
        .hasMessageContaining("'send-mail'")
        .hasMessageContaining("missing");
    JsonNode withNull = json.tree("{\"userId\":null}");
    assertThatThrownBy(() -> keys.resolve("send-mail", "user:{userId}", withNull))
        .hasMessageContaining("null");
    assertThatThrownBy(() -> keys.resolve("t", "{tags.5}", order)).hasMessageContaining("tags.5");
  }

  @Test
  void malformedTemplatesAreRejected() {
    for (String bad : List.of("a{", "a}", "{}", "{a..b}", "{a-b}", "{ a}", "{-1}")) {
      assertThatThrownBy(() -> keys.resolve("t", bad, order))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "'")
          .hasMessageContaining("'t'");
    }
  }

  @Test
  void resolvedKeyLengthIsBounded() {
    JsonNode big = json.tree("{\"s\":\"" + "x".repeat(300) + "\",\"e\":\"\"}");
    assertThatThrownBy(() -> keys.resolve("t", "k:{s}", big))
        .hasMessageContaining("k:{s}")
        .hasMessageContaining("302 characters")
        .hasMessageContaining(String.valueOf(Permit.MAX_KEY_LENGTH));
    assertThatThrownBy(() -> keys.resolve("t", "{e}", big)).hasMessageContaining("empty key");
  }

  @Test
  void resolvesEveryLimitAndThePolicies() {
    JobOptions options =
        JobOptions.builder()
            .mutex("order:{orderId}")
            .semaphore("region:{customer.region}", 3)
            .rateLimit("api", 10, Duration.ofSeconds(1))
            .waitPolicy(WaitPolicy.reschedule(Duration.ofSeconds(15), 5))
            .build();
    Concurrency c = keys.concurrency("t", options, order);
    assertThat(c.permits())
        .containsExactly(
            Permit.mutex("order:42"),
            Permit.semaphore("region:eu", 3),
            Permit.rateFixed("api", 10, Duration.ofSeconds(1)));
    assertThat(c.waitPolicy().mode()).isEqualTo(WaitPolicy.Mode.RESCHEDULE);
    assertThat(keys.concurrency("t", JobOptions.NONE, order)).isEqualTo(Concurrency.NONE);
  }

  @Test
  void uniquenessByArgumentsIsCanonicalAndBounded() {
    JobOptions byArgs = JobOptions.builder().unique(UniqueJob.byArguments()).build();
    Uniqueness a = keys.uniqueness("t", byArgs, json.tree("{\"b\":1,\"a\":2}"));
    Uniqueness b = keys.uniqueness("t", byArgs, json.tree("{\"a\":2,\"b\":1}"));
    assertThat(a).isEqualTo(b);
    assertThat(a.key()).isEqualTo("t:{\"a\":2,\"b\":1}");
    Uniqueness big = keys.uniqueness("t", byArgs, args(Map.of("s", "y".repeat(400))));
    assertThat(big.key()).startsWith("t:sha256:").hasSize(2 + 7 + 64);
    JobOptions byKey =
        JobOptions.builder()
            .unique(UniqueJob.byKey("o:{orderId}").heldFor(Duration.ofMinutes(1)))
            .build();
    assertThat(keys.uniqueness("t", byKey, order))
        .isEqualTo(new Uniqueness("o:42", Uniqueness.Hold.TTL, Duration.ofMinutes(1)));
    assertThat(keys.uniqueness("t", JobOptions.NONE, order)).isNull();
  }

  @Test
  void definitionTimeValidationChecksRecordComponents() {
    KeyResolver.validate("t", Order.class, opts("{orderId}:{customer.id}:{0}:{1.region}:{tags.3}"));
    KeyResolver.validate("t", Renamed.class, opts("v:{video_id}"));
    KeyResolver.validate("t", Map.class, opts("anything:{goes.here}"));
    assertThatThrownBy(() -> KeyResolver.validate("ship-order", Order.class, opts("o:{ordreId}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'o:{ordreId}'")
        .hasMessageContaining("'ordreId'")
        .hasMessageContaining("'ship-order'")
        .hasMessageContaining("[orderId, customer, rush, tags]");
    assertThatThrownBy(() -> KeyResolver.validate("t", Order.class, opts("{customer.name}")))
        .hasMessageContaining("'name'")
        .hasMessageContaining("Customer has components [id, region]");
    assertThatThrownBy(() -> KeyResolver.validate("t", Order.class, opts("{4}")))
        .hasMessageContaining("Order has 4 components");
    assertThatThrownBy(() -> KeyResolver.validate("t", Order.class, opts("{orderId.x}")))
        .hasMessageContaining("long has no fields");
    assertThatThrownBy(() -> KeyResolver.validate("t", String.class, opts("{0}")))
        .hasMessageContaining("String has no fields");
    assertThatThrownBy(() -> KeyResolver.validate("t", Renamed.class, opts("{videoId}")))
        .hasMessageContaining("[video_id]");
    assertThatThrownBy(
            () ->
                KeyResolver.validate(
                    "t",
                    Order.class,
                    JobOptions.builder().unique(UniqueJob.byKey("{nope}")).build()))
        .hasMessageContaining("'nope'");
  }

  private static JobOptions opts(String template) {
    return JobOptions.builder().mutex(template).build();
  }
}
