package dev.baton.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/** Waiting helpers shared by the HTTP tests. */
final class ApiHttpTestSupport {
  private ApiHttpTestSupport() {}

  static JsonNode awaitBulk(Web web, String bulkId) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> web.get("/api/v1/bulk/" + bulkId).json().get("finished").asBoolean());
    JsonNode status = web.get("/api/v1/bulk/" + bulkId).json();
    assertThat(status.has("error")).as(status.toString()).isFalse();
    return status;
  }
}
