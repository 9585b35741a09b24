package dev.baton.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.job.JobHandler;
import dev.baton.job.JobType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The dashboard answers under {@code /baton} in the application's own embedded Tomcat, behind the
 * application's Spring Security: viewers read, admins change, strangers are refused; health and
 * info report Baton.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    classes = DashboardWebTest.App.class,
    properties = {
      "baton.storage.type=memory",
      "baton.server.shutdown-grace=0s",
      "management.endpoints.web.exposure.include=health,info,baton",
      "management.endpoint.health.show-details=always",
      "management.info.env.enabled=false"
    })
class DashboardWebTest {
  record Ping(String who) {}

  /** The application: one job type, two users, HTTP Basic. */
  @SpringBootApplication
  static class App {
    @Bean
    JobType<Ping> pingType() {
      return JobType.of("ping", Ping.class);
    }

    @Bean
    JobHandler<Ping> ping() {
      return (args, ctx) -> {};
    }

    @Bean
    InMemoryUserDetailsManager users() {
      return new InMemoryUserDetailsManager(
          User.withUsername("viewer").password("{noop}pw").authorities("ROLE_BATON_VIEWER").build(),
          User.withUsername("admin").password("{noop}pw").authorities("ROLE_BATON_ADMIN").build(),
          User.withUsername("other").password("{noop}pw").authorities("ROLE_USER").build());
    }

    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
      return http.authorizeHttpRequests(
              a -> a.requestMatchers("/actuator/**").permitAll().anyRequest().authenticated())
          .httpBasic(Customizer.withDefaults())
          // The dashboard checks CSRF itself (token + Sec-Fetch-Site + Origin).
          .csrf(c -> c.ignoringRequestMatchers("/baton/**"))
          .build();
    }
  }

  @LocalServerPort int port;

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> send(String method, String path, String user, String body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    if (user != null) {
      String auth =
          Base64.getEncoder().encodeToString((user + ":pw").getBytes(StandardCharsets.UTF_8));
      b.header("Authorization", "Basic " + auth);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void viewersReadAndAdminsChangeUnderBaton() throws Exception {
    HttpResponse<String> stats = send("GET", "/baton/api/v1/stats", "viewer", null);
    assertThat(stats.statusCode()).isEqualTo(200);
    assertThat(stats.body()).contains("\"states\"");

    HttpResponse<String> me = send("GET", "/baton/api/v1/me", "viewer", null);
    assertThat(me.body()).contains("\"name\":\"viewer\"").contains("\"role\":\"READ_ONLY\"");

    String job = "{\"type\": \"ping\", \"args\": {\"who\": \"spring\"}}";
    assertThat(send("POST", "/baton/api/v1/jobs", "viewer", job).statusCode()).isEqualTo(403);
    HttpResponse<String> created = send("POST", "/baton/api/v1/jobs", "admin", job);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

    HttpResponse<String> page = send("GET", "/baton/", "viewer", null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).contains("text/html"));
  }

  @Test
  void strangersAreRefused() throws Exception {
    assertThat(send("GET", "/baton/api/v1/stats", null, null).statusCode()).isEqualTo(401);
    // Authenticated by the application, but with neither Baton authority: the dashboard refuses.
    assertThat(send("GET", "/baton/api/v1/stats", "other", null).statusCode()).isEqualTo(401);
  }

  @Test
  void theBatonEndpointGivesTheStatistics() throws Exception {
    HttpResponse<String> stats = send("GET", "/actuator/baton", null, null);
    assertThat(stats.statusCode()).as(stats.body()).isEqualTo(200);
    assertThat(stats.body())
        .contains("\"states\":{")
        .contains("\"ENQUEUED\"")
        .contains("\"queues\":[")
        .contains("\"serverId\"");
  }

  @Test
  void healthAndInfoReportBaton() throws Exception {
    HttpResponse<String> health = send("GET", "/actuator/health", null, null);
    assertThat(health.body()).contains("\"baton\"").contains("\"storageReachable\":true");
    assertThat(health.body())
        .containsPattern("\"baton\":\\{\"details\":\\{[^}]*\\},\"status\":\"UP\"");
    HttpResponse<String> info = send("GET", "/actuator/info", null, null);
    assertThat(info.body())
        .contains("\"baton\"")
        .contains("\"version\":\"0.1.0-SNAPSHOT\"")
        .contains("InMemoryStorage");
  }
}
