package dev.baton.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.AppOptions;
import dev.baton.app.BatonApp;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The app's dashboard with {@code --api-token} and {@code --read-only-token}: a viewer's browser
 * (bearer token sent through the DevTools protocol) sees no action buttons and is refused when it
 * tries anyway; an admin logs in with HTTP Basic (user admin, the token as password) and sees them.
 */
class AppLoginTest {
  static final String ADMIN_TOKEN = "admin-token-0123456789";
  static final String VIEWER_TOKEN = "viewer-token-0123456789";

  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private BatonApp app;

  @BeforeEach
  void start() {
    app =
        BatonApp.start(
            AppOptions.parse(
                "--storage=memory",
                "--port=0",
                "--api-token=" + ADMIN_TOKEN,
                "--read-only-token=" + VIEWER_TOKEN),
            new PrintStream(printed, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void stop() {
    app.close();
  }

  private String failedJobPath(Browser browser) {
    String query = app.dashboardUrl() + "jobs?state=FAILED&type=demo.charge";
    browser.await(
        "the demo's failed charge",
        Duration.ofSeconds(30),
        () -> {
          browser.open(query);
          browser.await(
              "the list",
              () ->
                  !browser.allByTestId("job-row").isEmpty()
                      || !browser.allByTestId("jobs-empty").isEmpty());
          return !browser.allByTestId("job-row").isEmpty();
        });
    return "jobs/" + browser.allByTestId("job-row").get(0).getAttribute("data-id");
  }

  @Test
  void theReadOnlyRoleSeesNoActionButtons() {
    try (Browser browser = Browser.start()) {
      browser.sendHeaders(Map.of("Authorization", "Bearer " + VIEWER_TOKEN));
      String job = failedJobPath(browser);
      assertThat(browser.allByTestId("btn-bulk-requeue")).isEmpty();
      assertThat(browser.allByTestId("row-select")).isEmpty();

      browser.open(app.dashboardUrl() + job);
      browser.await("the job", () -> "FAILED".equals(browser.attr("job-state", "data-state")));
      browser.await("who I am", () -> "read-only".equals(browser.text("me-role")));
      assertThat(browser.allByTestId("btn-requeue")).isEmpty();
      assertThat(browser.allByTestId("btn-delete")).isEmpty();
      assertThat(browser.allByTestId("btn-run-now")).isEmpty();
      browser.screenshot("read-only-job-failed");

      browser.open(app.dashboardUrl() + "recurring");
      browser.await("the rows", () -> !browser.allByTestId("recurring-row").isEmpty());
      assertThat(browser.allByTestId("btn-trigger")).isEmpty();
      assertThat(browser.allByTestId("btn-pause")).isEmpty();

      // Trying anyway, with a valid CSRF token: the role forbids it.
      Object status =
          browser.asyncScript(
              """
              const done = arguments[arguments.length - 1];
              (async () => {
                const me = await (await fetch('/api/v1/me')).json();
                const r = await fetch('/api/v1/recurring/demo-every-10-seconds/pause', {
                  method: 'POST', headers: {'X-Baton-Csrf': me.csrf, 'Content-Type': 'application/json'}, body: '{}'});
                done(r.status);
              })().catch(e => done(String(e)));
              """);
      assertThat(status).isEqualTo(403L);
    }
  }

  @Test
  void anAdminLogsInWithBasicAuthAndSeesTheButtons() {
    try (Browser browser = Browser.start()) {
      String withLogin = app.dashboardUrl().replace("http://", "http://admin:" + ADMIN_TOKEN + "@");
      browser.open(withLogin);
      String job = failedJobPath(browser);
      browser.open(app.dashboardUrl() + job);
      browser.await("who I am", () -> "admin".equals(browser.text("me-role")));
      browser.await("the buttons", () -> browser.byTestId("btn-requeue").isDisplayed());
      assertThat(browser.allByTestId("btn-delete")).hasSize(1);
    }
  }

  @Test
  void scriptsNeedTheBearerTokenAndBrowsersAreAskedToLogIn() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    URI stats = URI.create(app.dashboardUrl() + "api/v1/stats");
    HttpResponse<String> anonymous =
        http.send(HttpRequest.newBuilder(stats).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
    HttpResponse<String> viewer =
        http.send(
            HttpRequest.newBuilder(stats).header("Authorization", "Bearer " + VIEWER_TOKEN).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(viewer.statusCode()).isEqualTo(200);
    HttpResponse<String> wrong =
        http.send(
            HttpRequest.newBuilder(stats)
                .header("Authorization", "Bearer not-the-token-at-all")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(wrong.statusCode()).isEqualTo(401);
    // A script (no browser headers) needs no CSRF token; the admin token may act.
    HttpResponse<String> pause =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(app.dashboardUrl() + "api/v1/recurring/demo-every-10-seconds/pause"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(pause.statusCode()).as(pause.body()).isEqualTo(200);
    assertThat(app.client().recurring().find("demo-every-10-seconds").orElseThrow().paused())
        .isTrue();
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("dashboard: " + app.dashboardUrl() + " (log in as 'admin'");
  }
}
