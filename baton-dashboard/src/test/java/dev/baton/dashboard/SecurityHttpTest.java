package dev.baton.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.baton.dashboard.jdk.DashboardServer;
import dev.baton.dashboard.security.AuditLog;
import dev.baton.dashboard.security.BasicAuthorizer;
import dev.baton.dashboard.security.BearerTokenAuthorizer;
import dev.baton.dashboard.security.Csrf;
import dev.baton.dashboard.security.Role;
import dev.baton.storage.memory.InMemoryStorage;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Authentication, roles, CSRF and audit over real HTTP. */
class SecurityHttpTest {
  static final String TOKEN = "ci-token-0123456789abcdef";
  static final String VIEWER_TOKEN = "viewer-token-0123456789abcdef";
  static final String JOB = "{\"type\":\"nothing\"}";

  InMemoryStorage storage = new InMemoryStorage();
  Dashboard dashboard;
  DashboardServer server;
  Web web;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (dashboard != null) {
      dashboard.close();
    }
    storage.close();
  }

  void serve(Dashboard.Builder builder) {
    dashboard = builder.jobTypes(TestJobs.ALL).build();
    server = DashboardServer.start(dashboard, DashboardServer.Options.builder().port(0).build());
    web = new Web(server.url());
  }

  static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void basicAuthWithRoles() {
    serve(
        Dashboard.builder(storage)
            .authorizer(
                BasicAuthorizer.builder()
                    .user("alice", BasicAuthorizer.hash("wonder"), Role.ADMIN)
                    .user("bob", BasicAuthorizer.hash("builder"), Role.READ_ONLY)
                    .build()));
    Web.Answer anonymous = web.get("/api/v1/stats");
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.errorCode()).isEqualTo("unauthorized");
    assertThat(anonymous.header("WWW-Authenticate")).startsWith("Basic realm=");
    assertThat(anonymous.header("Content-Security-Policy")).isNotNull();
    assertThat(web.get("/api/v1/stats", "Authorization", basic("alice", "wrong")).status())
        .isEqualTo(401);
    assertThat(web.get("/api/v1/stats", "Authorization", basic("carol", "wonder")).status())
        .isEqualTo(401);
    assertThat(web.get("/", "Authorization", "Basic !!!").status()).isEqualTo(401);

    assertThat(web.get("/api/v1/stats", "Authorization", basic("bob", "builder")).status())
        .isEqualTo(200);
    assertThat(
            web.get("/api/v1/me", "Authorization", basic("bob", "builder"))
                .json()
                .get("role")
                .asText())
        .isEqualTo("READ_ONLY");
    Web.Answer refused = web.post("/api/v1/jobs", JOB, "Authorization", basic("bob", "builder"));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.errorCode()).isEqualTo("forbidden");
    assertThat(refused.json().get("error").get("message").asText()).contains("read-only");
    assertThat(web.delete("/api/v1/recurring/x", "Authorization", basic("bob", "builder")).status())
        .isEqualTo(403);
    assertThat(storage.countByState().values().stream().mapToLong(Long::longValue).sum()).isZero();

    assertThat(web.post("/api/v1/jobs", JOB, "Authorization", basic("alice", "wonder")).status())
        .isEqualTo(201);
    assertThat(web.post("/api/v1/jobs", JOB, "Authorization", basic("alice", "wonder")).status())
        .as("remembered credentials")
        .isEqualTo(201);
  }

  @Test
  void bearerTokensWithRoles() {
    serve(
        Dashboard.builder(storage)
            .authorizer(
                BearerTokenAuthorizer.builder()
                    .token(TOKEN, "ci", Role.ADMIN)
                    .token(VIEWER_TOKEN, "grafana", Role.READ_ONLY)
                    .build()));
    Web.Answer none = web.get("/api/v1/stats");
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");
    assertThat(web.get("/api/v1/stats", "Authorization", "Bearer nope-nope-nope-nope").status())
        .isEqualTo(401);
    assertThat(web.get("/api/v1/stats", "Authorization", "Bearer " + VIEWER_TOKEN).status())
        .isEqualTo(200);
    assertThat(web.post("/api/v1/jobs", JOB, "Authorization", "Bearer " + VIEWER_TOKEN).status())
        .isEqualTo(403);
    assertThat(web.post("/api/v1/jobs", JOB, "Authorization", "Bearer " + TOKEN).status())
        .isEqualTo(201);
    assertThat(
            web.get("/api/v1/me", "Authorization", "Bearer " + TOKEN).json().get("name").asText())
        .isEqualTo("ci");
    assertThatThrownBy(() -> BearerTokenAuthorizer.builder().token("short", "x", Role.ADMIN))
        .hasMessageContaining("at least 16");
  }

  @Test
  void csrfForBrowserRequests() {
    serve(Dashboard.builder(storage));
    String origin = web.base().replaceAll("^(http://[^/]+).*$", "$1");
    String token = web.get("/api/v1/me").json().get("csrf").asText();

    Web.Answer noToken = web.post("/api/v1/jobs", JOB, "Sec-Fetch-Site", "same-origin");
    assertThat(noToken.status()).isEqualTo(403);
    assertThat(noToken.errorCode()).isEqualTo("csrf");
    assertThat(web.post("/api/v1/jobs", JOB, "Origin", origin).status()).isEqualTo(403);
    assertThat(web.post("/api/v1/jobs", JOB, "Cookie", "session=1").status()).isEqualTo(403);
    assertThat(
            web.post("/api/v1/jobs", JOB, "Sec-Fetch-Site", "same-origin", "X-Baton-Csrf", "forged")
                .status())
        .isEqualTo(403);

    Web.Answer crossSite =
        web.post("/api/v1/jobs", JOB, "Sec-Fetch-Site", "cross-site", "X-Baton-Csrf", token);
    assertThat(crossSite.status()).isEqualTo(403);
    assertThat(crossSite.errorCode()).isEqualTo("csrf");
    assertThat(
            web.post("/api/v1/jobs", JOB, "Sec-Fetch-Site", "same-site", "X-Baton-Csrf", token)
                .status())
        .isEqualTo(403);
    assertThat(
            web.post("/api/v1/jobs", JOB, "Origin", "http://evil.example", "X-Baton-Csrf", token)
                .status())
        .isEqualTo(403);
    assertThat(web.post("/api/v1/jobs", JOB, "Origin", "null", "X-Baton-Csrf", token).status())
        .isEqualTo(403);
    assertThat(storage.countByState().values().stream().mapToLong(Long::longValue).sum()).isZero();

    assertThat(
            web.post(
                    "/api/v1/jobs",
                    JOB,
                    "Sec-Fetch-Site",
                    "same-origin",
                    "Origin",
                    origin,
                    "X-Baton-Csrf",
                    token)
                .status())
        .isEqualTo(201);
    assertThat(web.post("/api/v1/jobs", JOB).status())
        .as("a script without browser headers")
        .isEqualTo(201);
    assertThat(web.get("/api/v1/stats", "Sec-Fetch-Site", "cross-site").status())
        .as("reads need no token")
        .isEqualTo(200);
  }

  @Test
  void behindAProxyThatRewritesHostOnlyTheConfiguredPublicOriginPasses() {
    try (RewritingProxy proxy = new RewritingProxy()) {
      serve(Dashboard.builder(storage));
      proxy.target(server.url());
      Web viaProxy = new Web(proxy.origin());
      String token = viaProxy.get("/api/v1/me").json().get("csrf").asText();
      Web.Answer refused =
          viaProxy.post(
              "/api/v1/jobs",
              JOB,
              "Sec-Fetch-Site",
              "same-origin",
              "Origin",
              proxy.origin(),
              "X-Baton-Csrf",
              token);
      assertThat(refused.status())
          .as("the dashboard sees its own Host, not the proxy's")
          .isEqualTo(403);
      assertThat(refused.errorCode()).isEqualTo("csrf");
      assertThat(refused.json().path("error").path("message").asText())
          .contains("Origin: " + proxy.origin());
      server.close();
      dashboard.close();

      // What users type, written the way people write it: upper case, a trailing slash.
      serve(Dashboard.builder(storage).publicOrigins(proxy.origin().toUpperCase() + "/"));
      proxy.target(server.url());
      token = viaProxy.get("/api/v1/me").json().get("csrf").asText();
      assertThat(
              viaProxy
                  .post(
                      "/api/v1/jobs",
                      JOB,
                      "Sec-Fetch-Site",
                      "same-origin",
                      "Origin",
                      proxy.origin(),
                      "X-Baton-Csrf",
                      token)
                  .status())
          .isEqualTo(201);
      for (String other :
          new String[] {
            proxy.origin().replace("http://", "https://"),
            proxy.origin() + "1",
            "http://evil.example",
            "null"
          }) {
        assertThat(
                viaProxy.post("/api/v1/jobs", JOB, "Origin", other, "X-Baton-Csrf", token).status())
            .as(other)
            .isEqualTo(403);
      }
      assertThat(
              viaProxy
                  .post("/api/v1/jobs", JOB, "Origin", proxy.origin(), "X-Baton-Csrf", "forged")
                  .status())
          .as("a public origin still needs the token")
          .isEqualTo(403);
      assertThat(
              viaProxy
                  .post("/api/v1/jobs", JOB, "Sec-Fetch-Site", "cross-site", "X-Baton-Csrf", token)
                  .status())
          .isEqualTo(403);
      assertThat(storage.countByState().values().stream().mapToLong(Long::longValue).sum())
          .isEqualTo(1);
    }
  }

  @Test
  void publicOriginsAreCheckedWhenConfigured() {
    assertThat(Csrf.normalizeOrigin("HTTPS://Jobs.Example.com:443/"))
        .isEqualTo("https://jobs.example.com");
    assertThat(Csrf.normalizeOrigin("http://[::1]:8080")).isEqualTo("http://[::1]:8080");
    assertThatThrownBy(
            () -> Dashboard.builder(storage).publicOrigins("https://jobs.example.com/baton"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scheme, host and port only")
        .hasMessageContaining("give https://jobs.example.com");
    assertThatThrownBy(() -> Dashboard.builder(storage).publicOrigins("jobs.example.com"))
        .hasMessageContaining("must start with https:// or http://");
    assertThatThrownBy(() -> Dashboard.builder(storage).publicOrigins("ftp://jobs.example.com"))
        .hasMessageContaining("must start with https:// or http://");
    assertThatThrownBy(() -> Dashboard.builder(storage).publicOrigins("https://"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(
            Dashboard.builder(storage)
                .publicOrigins("https://jobs.example.com")
                .build()
                .config()
                .toString())
        .contains("publicOrigins=[https://jobs.example.com]");
  }

  @Test
  void auditLinesNameWhoDidWhat() {
    Logger audit = (Logger) LoggerFactory.getLogger(AuditLog.LOGGER);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    audit.addAppender(lines);
    try {
      serve(
          Dashboard.builder(storage)
              .authorizer(
                  BearerTokenAuthorizer.builder().token(TOKEN, "alice", Role.ADMIN).build()));
      String id =
          web.post("/api/v1/jobs", JOB, "Authorization", "Bearer " + TOKEN)
              .json()
              .get("id")
              .asText();
      web.post("/api/v1/jobs/" + id + "/delete", null, "Authorization", "Bearer " + TOKEN);
      assertThat(lines.list)
          .extracting(ILoggingEvent::getFormattedMessage)
          .anyMatch(m -> m.startsWith("audit: admin 'alice' from 127.0.0.1 enqueue job " + id))
          .contains("audit: admin 'alice' from 127.0.0.1 delete job " + id + " (was ENQUEUED)");
    } finally {
      audit.detachAppender(lines);
    }
  }

  @Test
  void aNonLoopbackAddressNeedsAnAuthorizer() {
    dashboard = Dashboard.builder(storage).build();
    assertThatThrownBy(
            () ->
                DashboardServer.start(
                    dashboard, DashboardServer.Options.builder().bind("0.0.0.0").port(0).build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Authorizer");
    Dashboard open = Dashboard.builder(storage).allowAnonymousRemote(true).build();
    try (DashboardServer anyone =
        DashboardServer.start(
            open, DashboardServer.Options.builder().bind("0.0.0.0").port(0).build())) {
      assertThat(new Web(anyone.url()).get("/api/v1/stats").status()).isEqualTo(200);
    } finally {
      open.close();
    }
  }

  @Test
  void invalidConfigurationIsRefusedWithTheFieldNamed() {
    assertThatThrownBy(() -> Dashboard.builder(storage).maxBodyBytes(10).build())
        .hasMessageContaining("maxBodyBytes");
    assertThatThrownBy(
            () -> Dashboard.builder(storage).jobTypes(TestJobs.ALL).jobTypes(TestJobs.ALL))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> Dashboard.builder(storage).csrfSecret(new byte[4]).build())
        .hasMessageContaining("csrfSecret");
  }
}
