package dev.baton.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.AppOptions;
import dev.baton.app.BatonApp;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * Every page of the app's own dashboard with the demo running, saved under target/screenshots in
 * light and dark, at desktop and phone width, for people to look at. Also checks that each page
 * renders without a console error.
 */
class ScreenshotsTest {
  private final PrintStream out =
      new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

  @Test
  void everyPageInLightAndDarkAtDesktopAndPhoneWidth() {
    try (BatonApp app =
            BatonApp.start(AppOptions.parse("--storage=memory", "--port=0", "--workers=8"), out);
        Browser browser = Browser.start()) {
      String base = app.dashboardUrl();
      Map<String, String> pages = new LinkedHashMap<>();
      pages.put("overview", base);
      pages.put("jobs", base + "jobs");
      pages.put("job-running", jobPage(browser, base, "jobs?state=PROCESSING&type=demo.import"));
      pages.put("job-failed", jobPage(browser, base, "jobs?state=FAILED&type=demo.charge"));
      pages.put("job-blocked", jobPage(browser, base, "jobs?state=BLOCKED&type=demo.export"));
      pages.put("servers", base + "servers");
      pages.put("recurring", base + "recurring");
      pages.put("concurrency", base + "concurrency");

      List<Path> saved = new ArrayList<>();
      List<String> consoleErrors = new ArrayList<>();
      // Reported, not asserted: the layout is the front end's to fix.
      List<String> overflowing = new ArrayList<>();
      for (boolean phone : new boolean[] {false, true}) {
        if (phone) {
          browser.phone();
        } else {
          browser.desktop();
        }
        for (boolean dark : new boolean[] {false, true}) {
          browser.colorScheme(dark);
          for (Map.Entry<String, String> page : pages.entrySet()) {
            browser.open(page.getValue());
            settle(browser, page.getKey());
            String name = page.getKey() + (dark ? "-dark" : "-light") + (phone ? "-phone" : "");
            // From the top: the sticky header otherwise lands mid-page in a full-page capture.
            browser.script("window.scrollTo(0, 0)");
            Object widths =
                browser.script(
                    "return document.documentElement.scrollWidth + ' > '"
                        + " + document.documentElement.clientWidth");
            String[] wide = String.valueOf(widths).split(" > ");
            if (Integer.parseInt(wide[0]) > Integer.parseInt(wide[1])) {
              overflowing.add(name + " (" + widths + " px)");
            }
            saved.add(browser.fullPageScreenshot(name));
            browser.consoleLog().stream()
                .filter(line -> line.contains("SEVERE"))
                .forEach(line -> consoleErrors.add(name + ": " + line));
          }
        }
      }
      System.out.println(
          "screenshots:\n  "
              + String.join(
                  "\n  ", saved.stream().map(p -> p.toAbsolutePath().toString()).toList()));
      if (!overflowing.isEmpty()) {
        System.out.println(
            "pages wider than the window (horizontal scrolling):\n  "
                + String.join("\n  ", overflowing));
      }
      assertThat(consoleErrors).as("console errors").isEmpty();
    }
  }

  /** The page of the first job the list {@code query} shows, once there is one. */
  private static String jobPage(Browser browser, String base, String query) {
    browser.open(base + query);
    browser.await(
        "a job in " + query,
        Duration.ofSeconds(30),
        () -> {
          browser.open(base + query);
          browser.await(
              "the list",
              () ->
                  !browser.allByTestId("jobs-table").isEmpty()
                      || !browser.allByTestId("jobs-empty").isEmpty());
          return !browser.allByTestId("job-row").isEmpty();
        });
    return base + "jobs/" + browser.allByTestId("job-row").get(0).getAttribute("data-id");
  }

  /** Waits for the page's data, and opens what a person would open (the stack trace). */
  private static void settle(Browser browser, String page) {
    switch (page) {
      case "overview" ->
          browser.await("counts", () -> browser.attr("count-ENQUEUED", "data-value") != null);
      case "jobs" -> browser.await("rows", () -> !browser.allByTestId("job-row").isEmpty());
      case "job-running" ->
          browser.await("log lines", () -> browser.allByTestId("log-line").size() > 3);
      case "job-failed" -> {
        browser.await("stack trace", () -> !browser.allByTestId("stack-trace").isEmpty());
        browser
            .driver()
            .findElements(By.cssSelector("details > summary"))
            .forEach(
                s -> {
                  if (s.isDisplayed()) {
                    s.click();
                  }
                });
      }
      case "job-blocked" ->
          browser.await("blocked", () -> browser.byTestId("blocked-info").isDisplayed());
      case "servers" ->
          browser.await("servers", () -> !browser.allByTestId("server-row").isEmpty());
      case "recurring" ->
          browser.await("recurring", () -> !browser.allByTestId("recurring-row").isEmpty());
      case "concurrency" ->
          browser.await("keys", () -> !browser.allByTestId("concurrency-key").isEmpty());
      default -> throw new IllegalArgumentException(page);
    }
  }
}
