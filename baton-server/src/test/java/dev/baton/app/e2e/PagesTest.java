package dev.baton.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.client.BatonClient;
import dev.baton.client.JobView;
import dev.baton.job.JobId;
import dev.baton.job.JobType;
import dev.baton.state.JobState;
import dev.baton.storage.memory.InMemoryStorage;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;

/**
 * The recurring, blocked-job and security behaviour of the pages in a real browser, on the memory
 * storage with a real server beside the dashboard.
 */
class PagesTest {
  static final String IMG = "<img src=x onerror=alert(1)>";
  static final String SCRIPT = "</script><script>alert(1)</script>";

  private static Browser browser;
  private InMemoryStorage storage;
  private LiveDashboard live;

  @BeforeAll
  static void startBrowser() {
    browser = Browser.start();
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  @BeforeEach
  void start() {
    storage = new InMemoryStorage();
    live = LiveDashboard.withServer(storage, "e2e-pages");
  }

  @AfterEach
  void stop() {
    live.close();
    storage.close();
  }

  private BatonClient client() {
    return live.client();
  }

  private JobState state(JobId id) {
    return client().find(id).map(JobView::state).orElse(null);
  }

  private WebElement recurringRow(String id) {
    return browser
        .driver()
        .findElement(By.cssSelector("[data-testid='recurring-row'][data-id='" + id + "']"));
  }

  @Test
  void aRecurringJobIsTriggeredAndPausedFromTheRecurringPage() {
    client()
        .recurring()
        .addOrUpdate("e2e-nightly", "0 3 * * *", E2eJobs.ECHO, new E2eJobs.Echo("nightly"));
    browser.open(live.url("/recurring"));
    browser.await("the row", () -> recurringRow("e2e-nightly").isDisplayed());
    assertThat(recurringRow("e2e-nightly").getAttribute("data-paused")).isEqualTo("false");

    recurringRow("e2e-nightly").findElement(Browser.testId("btn-trigger")).click();
    await("triggered: its job ran")
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> live.jobs.runs.keySet().stream().anyMatch(id -> state(id) == JobState.SUCCEEDED));
    browser.await(
        "the trigger's notice", () -> browser.text("notice").contains("Triggered e2e-nightly"));

    recurringRow("e2e-nightly").findElement(Browser.testId("btn-pause")).click();
    browser.await(
        "shown paused",
        () -> "true".equals(recurringRow("e2e-nightly").getAttribute("data-paused")));
    assertThat(client().recurring().find("e2e-nightly").orElseThrow().paused()).isTrue();
    assertThat(recurringRow("e2e-nightly").findElements(Browser.testId("btn-resume"))).hasSize(1);
  }

  @Test
  void aBlockedJobShowsItsHolderAndPlaceInLine() {
    JobId holder = client().enqueue(E2eJobs.HOLD, new E2eJobs.Hold("video-42", 60)).id();
    await().atMost(Duration.ofSeconds(10)).until(() -> state(holder) == JobState.PROCESSING);
    JobId first = client().enqueue(E2eJobs.HOLD, new E2eJobs.Hold("video-42", 1)).id();
    await().atMost(Duration.ofSeconds(10)).until(() -> state(first) == JobState.BLOCKED);
    JobId second = client().enqueue(E2eJobs.HOLD, new E2eJobs.Hold("video-42", 1)).id();
    await().atMost(Duration.ofSeconds(10)).until(() -> state(second) == JobState.BLOCKED);

    browser.open(live.url("/jobs/" + second));
    browser.await("blocked shown", () -> browser.byTestId("blocked-info").isDisplayed());
    assertThat(browser.attr("job-state", "data-state")).isEqualTo("BLOCKED");
    WebElement held = browser.byTestId("blocked-holder");
    assertThat(held.findElement(By.tagName("a")).getAttribute("href")).endsWith("/jobs/" + holder);
    String info = browser.text("blocked-info");
    assertThat(info).contains("e2e:video-42").contains("2nd");
    browser.screenshot("job-blocked-e2e");

    browser.open(live.url("/concurrency"));
    browser.await(
        "the key with its holder and waiters",
        () ->
            browser
                    .driver()
                    .findElements(
                        By.cssSelector("[data-testid='concurrency-key'][data-key='e2e:video-42']"))
                    .size()
                == 1);
    assertThat(browser.allByTestId("waiter")).hasSizeGreaterThanOrEqualTo(2);
  }

  @Test
  void jobsOfATypeNoServerHandlesShowInTheProblemsStrip() {
    JobType<E2eJobs.Echo> typo = JobType.of("e2e.ehco", E2eJobs.Echo.class);
    JobId id = client().enqueue(typo, new E2eJobs.Echo("1")).id();
    await("put back for a server that has the handler")
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                client().find(id).orElseThrow().history().stream()
                    .anyMatch(e -> e.reason() != null && e.reason().contains("put back")));

    browser.open(live.url("/"));
    By problem = By.cssSelector("[data-testid='problem'][data-kind='unknown-type']");
    browser.await(
        "the unknown-type problem", () -> !browser.driver().findElements(problem).isEmpty());
    WebElement shown = browser.driver().findElement(problem);
    assertThat(shown.getAttribute("data-type")).isEqualTo("e2e.ehco");
    assertThat(shown.getText())
        .containsPattern(
            "^Job type “e2e.ehco” has no handler on e2e-pages: \\d+ runs? (was|were) put back for a"
                + " server that has it\\. Register it\\.");
    assertThat(shown.findElement(By.tagName("a")).getAttribute("href")).contains("type=e2e.ehco");
    browser.screenshot("overview-unknown-type");
    assertThat(client().find(id).orElseThrow().attempt()).as("no attempt spent").isEqualTo(1);
  }

  @Test
  void hostileTextInArgumentsExceptionsAndLogsRendersAsText() {
    String payload = IMG + " " + SCRIPT;
    JobId echo = client().enqueue(E2eJobs.ECHO, new E2eJobs.Echo(payload)).id();
    JobId failed = client().enqueue(E2eJobs.FAIL, new E2eJobs.Fail(payload, 99)).id();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> state(echo) == JobState.SUCCEEDED && state(failed) == JobState.FAILED);

    browser.open(live.url("/jobs/" + echo));
    browser.await("the log line", () -> browser.text("logs").contains("echo: "));
    assertThat(browser.text("job-args")).contains(IMG).contains(SCRIPT);
    assertThat(browser.text("logs")).contains("echo: " + payload);
    assertNothingInjected();

    browser.open(live.url("/jobs/" + failed));
    browser.await("the exception", () -> browser.text("history").contains(IMG));
    assertThat(browser.text("history")).contains(SCRIPT);
    assertThat(browser.byTestId("stack-trace").getAttribute("textContent")).contains(payload);
    assertThat(browser.text("logs")).contains("about to fail: " + payload);
    assertNothingInjected();

    browser.open(live.url("/jobs?state=FAILED"));
    browser.await("the failed row", () -> browser.allByTestId("job-row").size() == 1);
    assertNothingInjected();
  }

  private static void assertNothingInjected() {
    assertThat(browser.script("return document.querySelectorAll('img[src=\"x\"]').length"))
        .as("no injected <img>")
        .isEqualTo(0L);
    assertThat(browser.script("return document.scripts.length"))
        .as("only the app's own script")
        .isEqualTo(1L);
    assertThatThrownBy(() -> browser.driver().switchTo().alert())
        .isInstanceOf(NoAlertPresentException.class);
  }

  @Test
  void aPostWithoutTheCsrfTokenIsRefused() {
    JobId failed = client().enqueue(E2eJobs.FAIL, new E2eJobs.Fail("boom", 99)).id();
    await().atMost(Duration.ofSeconds(20)).until(() -> state(failed) == JobState.FAILED);
    browser.open(live.url("/jobs/" + failed));
    browser.await("the page", () -> "FAILED".equals(browser.attr("job-state", "data-state")));

    Map<?, ?> without = post("/jobs/" + failed + "/requeue", null);
    assertThat(without.get("status")).isEqualTo(403L);
    assertThat((String) without.get("body")).contains("\"csrf\"");
    assertThat(state(failed)).isEqualTo(JobState.FAILED);

    Map<?, ?> with = post("/jobs/" + failed + "/requeue", "from-me");
    assertThat(with.get("status")).as("with the token: %s", with).isEqualTo(200L);
  }

  /** A same-origin fetch() POST from the page, with the CSRF header from /me or without one. */
  private Map<?, ?> post(String path, String csrf) {
    Object result =
        browser.asyncScript(
            """
            const [path, csrf, done] = arguments;
            const base = document.querySelector('meta[name="baton-base"]').content;
            (async () => {
              const headers = {'Content-Type': 'application/json'};
              if (csrf) {
                const me = await (await fetch(base + '/api/v1/me')).json();
                headers['X-Baton-Csrf'] = me.csrf;
              }
              const r = await fetch(base + '/api/v1' + path, {method: 'POST', headers, body: '{}'});
              done({status: r.status, body: await r.text()});
            })().catch(e => done({status: -1, body: String(e)}));
            """,
            path,
            csrf);
    return (Map<?, ?>) result;
  }
}
