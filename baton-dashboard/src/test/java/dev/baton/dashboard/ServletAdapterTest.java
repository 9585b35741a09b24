package dev.baton.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.dashboard.servlet.BatonDashboardServlet;
import dev.baton.storage.memory.InMemoryStorage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The servlet adapter in an embedded Jetty 12, context {@code /app}, mapping {@code /baton/*}. */
class ServletAdapterTest {
  static InMemoryStorage storage;
  static Dashboard dashboard;
  static Server jetty;
  static Web web;

  @BeforeAll
  static void start() throws Exception {
    storage = new InMemoryStorage();
    dashboard = Dashboard.builder(storage).jobTypes(TestJobs.ALL).build();
    jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/app");
    ServletHolder holder = new ServletHolder(new BatonDashboardServlet(dashboard));
    holder.setAsyncSupported(true);
    context.addServlet(holder, "/baton/*");
    jetty.setHandler(context);
    jetty.start();
    web = new Web("http://127.0.0.1:" + connector.getLocalPort() + "/app/baton");
  }

  @AfterAll
  static void stop() throws Exception {
    jetty.stop();
    dashboard.close();
    storage.close();
  }

  @Test
  void answersTheSameApi() {
    Web.Answer stats = web.get("/api/v1/stats");
    assertThat(stats.status()).isEqualTo(200);
    assertThat(stats.json().has("processing")).isTrue();
    assertThat(stats.header("Content-Security-Policy")).contains("default-src 'none'");
    assertThat(stats.header("X-Content-Type-Options")).isEqualTo("nosniff");

    Web.Answer created =
        web.post("/api/v1/jobs", "{\"type\":\"greet\",\"args\":{\"name\":\"s\",\"times\":1}}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String id = created.json().get("id").asText();
    JsonNode job = web.get("/api/v1/jobs/" + id).json();
    assertThat(job.get("args").get("name").asText()).isEqualTo("s");
    assertThat(
            web.post("/api/v1/jobs/" + id + "/delete", null).json().get("previousState").asText())
        .isEqualTo("ENQUEUED");

    assertThat(web.get("/api/v1/nope").status()).isEqualTo(404);
    assertThat(web.put("/api/v1/stats", "{}").status()).isEqualTo(405);
    assertThat(web.post("/api/v1/jobs", "{").errorCode()).isEqualTo("bad_request");
    assertThat(web.post("/api/v1/jobs", "{\"type\":\"x\"}").errorCode())
        .isEqualTo("unknown_job_type");
    byte[] huge = new byte[1024 * 1024 + 1];
    java.util.Arrays.fill(huge, (byte) ' ');
    assertThat(web.raw("POST", "/api/v1/jobs", huge, "Content-Type", "application/json").status())
        .isEqualTo(413);
    assertThat(
            web.raw(
                    "POST",
                    "/api/v1/jobs",
                    "{}".getBytes(StandardCharsets.UTF_8),
                    "Content-Type",
                    "text/plain")
                .status())
        .isEqualTo(415);
    assertThat(
            web.post("/api/v1/jobs", "{\"type\":\"nothing\"}", "Sec-Fetch-Site", "same-origin")
                .errorCode())
        .isEqualTo("csrf");
  }

  @Test
  void pagesUseTheMountPath() {
    Web.Answer page = web.get("/jobs");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("content=\"/app/baton\"");
    Matcher css =
        Pattern.compile("\"(/app/baton/assets/app-[0-9a-f]{8}\\.css)\"").matcher(page.body());
    assertThat(css.find()).as(page.body()).isTrue();
    Web.Answer asset = web.get(css.group(1).substring("/app/baton".length()));
    assertThat(asset.status()).isEqualTo(200);
    assertThat(asset.header("Cache-Control")).contains("immutable");
    assertThat(web.get("/").status()).isEqualTo(200);
  }

  @Test
  void streamsEvents() throws Exception {
    try (SseReader sse = new SseReader(web.client(), web.base() + "/api/v1/events")) {
      assertThat(sse.response.statusCode()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(5)).until(() -> sse.named("stats").size() >= 2);
      assertThat(Web.MAPPER.readTree(sse.named("stats").get(0).data()).has("processing")).isTrue();
    }
  }
}
