package dev.baton.dashboard.jdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.dashboard.Dashboard;
import dev.baton.storage.memory.InMemoryStorage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A small answer must not wait for the client's delayed ACK: the JDK HTTP server writes headers and
 * body separately, and without TCP_NODELAY Nagle's algorithm holds the body back ~40 ms.
 */
class SmallAnswerLatencyTest {
  @Test
  void smallGetOnLoopbackAnswersWithoutTheNagleStall() throws Exception {
    try (InMemoryStorage storage = new InMemoryStorage();
        Dashboard dashboard = Dashboard.builder(storage).build();
        DashboardServer server =
            DashboardServer.start(
                dashboard, DashboardServer.Options.builder().bind("127.0.0.1").port(0).build())) {
      HttpClient http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(5))
              .build();
      HttpRequest me = HttpRequest.newBuilder(URI.create(server.url() + "api/v1/me")).GET().build();
      for (int i = 0; i < 5; i++) {
        assertThat(http.send(me, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
      }
      long[] nanos = new long[20];
      for (int i = 0; i < nanos.length; i++) {
        long t0 = System.nanoTime();
        HttpResponse<String> answer = http.send(me, HttpResponse.BodyHandlers.ofString());
        nanos[i] = System.nanoTime() - t0;
        assertThat(answer.statusCode()).isEqualTo(200);
      }
      Arrays.sort(nanos);
      long medianMillis = Duration.ofNanos(nanos[nanos.length / 2]).toMillis();
      assertThat(medianMillis).as("median of 20 calls to /api/v1/me, ms").isLessThan(30);
    }
  }
}
