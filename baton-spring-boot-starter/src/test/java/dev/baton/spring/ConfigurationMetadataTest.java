package dev.baton.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The generated metadata IDEs read: every property documented, defaults where they are fixed. */
class ConfigurationMetadataTest {
  @Test
  void everyPropertyHasADescriptionAndTheFixedDefaultsAreThere() throws Exception {
    JsonNode root;
    try (InputStream in =
        getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      root = new ObjectMapper().readTree(in);
    }
    Map<String, JsonNode> byName = new HashMap<>();
    root.get("properties").forEach(p -> byName.put(p.get("name").asText(), p));
    assertThat(byName).hasSizeGreaterThanOrEqualTo(35);
    byName.forEach((name, p) -> assertThat(p.path("description").asText()).as(name).isNotBlank());
    assertThat(byName.get("baton.server.heartbeat-interval").get("defaultValue").asText())
        .isEqualTo("2s");
    assertThat(byName.get("baton.server.server-timeout").get("defaultValue").asText())
        .isEqualTo("8s");
    assertThat(byName.get("baton.dashboard.path").get("defaultValue").asText()).isEqualTo("/baton");
    assertThat(byName.get("baton.client.max-argument-bytes").get("defaultValue").asInt())
        .isEqualTo(512 * 1024);
    assertThat(byName)
        .containsKeys("baton.storage.type", "baton.storage.redis.uri", "baton.server.workers");
  }
}
