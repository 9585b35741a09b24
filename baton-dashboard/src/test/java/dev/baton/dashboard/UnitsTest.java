package dev.baton.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.dashboard.http.SseFrames;
import dev.baton.dashboard.jdk.DashboardServer;
import dev.baton.dashboard.security.BasicAuthorizer;
import dev.baton.dashboard.security.Csrf;
import dev.baton.dashboard.security.Principal;
import dev.baton.dashboard.security.Role;
import dev.baton.storage.memory.InMemoryStorage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Small pieces: password hashes, CSRF tokens, SSE frames, stream lifetime. */
class UnitsTest {
  @Test
  void passwordHashesMatchOnlyTheirPassword() {
    String hash = BasicAuthorizer.hash("s3cret");
    assertThat(hash).startsWith("pbkdf2-sha256$").doesNotContain("s3cret");
    assertThat(BasicAuthorizer.matches("s3cret", hash)).isTrue();
    assertThat(BasicAuthorizer.matches("s3cret!", hash)).isFalse();
    assertThat(BasicAuthorizer.hash("s3cret")).as("salted").isNotEqualTo(hash);
  }

  @Test
  void csrfTokensDependOnThePrincipalAndTheSecret() {
    byte[] secret = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    Csrf csrf = new Csrf(secret);
    Principal alice = new Principal("alice", Role.ADMIN);
    assertThat(csrf.token(alice)).isEqualTo(new Csrf(secret).token(alice));
    assertThat(csrf.token(alice)).isNotEqualTo(csrf.token(new Principal("bob", Role.ADMIN)));
    assertThat(csrf.token(alice)).isNotEqualTo(csrf.token(new Principal("alice", Role.READ_ONLY)));
    byte[] other = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.UTF_8);
    assertThat(csrf.token(alice)).isNotEqualTo(new Csrf(other).token(alice));
  }

  @Test
  void sseFramesSplitLines() {
    String frame = new String(SseFrames.frame("stats", "a\nb"), StandardCharsets.UTF_8);
    assertThat(frame).isEqualTo("event: stats\ndata: a\ndata: b\n\n");
    assertThat(new String(SseFrames.frame("x\ny", "1"), StandardCharsets.UTF_8))
        .startsWith("event: xy\n");
  }

  @Test
  void eventStreamsAreClosedAfterTheirLifetime() throws Exception {
    try (InMemoryStorage storage = new InMemoryStorage();
        Dashboard dashboard =
            Dashboard.builder(storage)
                .eventStreamLifetime(Duration.ofMillis(1500))
                .eventInterval(Duration.ofMillis(200))
                .maxEventStreams(1)
                .build();
        DashboardServer server =
            DashboardServer.start(dashboard, DashboardServer.Options.builder().port(0).build())) {
      Web web = new Web(server.url());
      try (SseReader sse = new SseReader(web.client(), web.base() + "/api/v1/events")) {
        await().atMost(Duration.ofSeconds(5)).until(() -> sse.named("stats").size() >= 3);
        Web.Answer second = web.get("/api/v1/events");
        assertThat(second.status()).isEqualTo(429);
        await().atMost(Duration.ofSeconds(5)).until(() -> sse.ended);
      }
      try (SseReader again = new SseReader(web.client(), web.base() + "/api/v1/events")) {
        assertThat(again.response.statusCode()).as("a slot is free again").isEqualTo(200);
      }
    }
  }
}
