package dev.baton.app.e2e;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * A headless Chromium driven through the system's chromedriver. Never downloads anything: both
 * executables are given explicitly (scripts/services.sh installs them), and if they are missing the
 * test fails saying how to install them.
 */
final class Browser implements AutoCloseable {
  static final File CHROMIUM = new File("/usr/bin/chromium");
  static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");

  /** Where every screenshot goes: baton-server/target/screenshots. */
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  static final int DESKTOP_WIDTH = 1400;
  static final int DESKTOP_HEIGHT = 1000;
  static final int PHONE_WIDTH = 390;
  static final int PHONE_HEIGHT = 844;

  private final Path profile;
  private final ChromeDriverService service;
  private final ChromeDriver driver;

  private Browser(Path profile, ChromeDriverService service, ChromeDriver driver) {
    this.profile = profile;
    this.service = service;
    this.driver = driver;
  }

  /** Starts a fresh browser with an empty profile of its own. */
  static Browser start() {
    requireInstalled();
    try {
      Path profile = Files.createTempDirectory("baton-e2e-chromium");
      ChromeDriverService service =
          new ChromeDriverService.Builder()
              .usingDriverExecutable(CHROMEDRIVER)
              .usingAnyFreePort()
              .withSilent(true)
              .build();
      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM);
      options.addArguments(
          "--headless=new",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-dev-shm-usage",
          "--disable-background-networking",
          "--disable-component-update",
          "--no-first-run",
          "--disable-sync",
          "--disable-quic",
          "--window-size=" + DESKTOP_WIDTH + "," + DESKTOP_HEIGHT,
          "--user-data-dir=" + profile);
      LoggingPreferences logs = new LoggingPreferences();
      logs.enable(LogType.BROWSER, java.util.logging.Level.ALL);
      options.setCapability("goog:loggingPrefs", logs);
      ChromeDriver driver = new ChromeDriver(service, options);
      driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
      driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
      return new Browser(profile, service, driver);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Fails (never skips) when the browser is missing: CI installs it with scripts/services.sh. */
  static void requireInstalled() {
    if (!CHROMIUM.canExecute() || !CHROMEDRIVER.canExecute()) {
      throw new AssertionError(
          "the browser tests need "
              + CHROMIUM
              + " and "
              + CHROMEDRIVER
              + " (missing: "
              + (CHROMIUM.canExecute() ? "" : CHROMIUM + " ")
              + (CHROMEDRIVER.canExecute() ? "" : CHROMEDRIVER)
              + "). Install them with `bash scripts/services.sh` or"
              + " `apt-get install -y chromium chromium-driver`.");
    }
  }

  ChromeDriver driver() {
    return driver;
  }

  void open(String url) {
    driver.get(url);
  }

  /** The element with {@code data-testid} equal to {@code id}. */
  WebElement byTestId(String id) {
    return driver.findElement(testId(id));
  }

  List<WebElement> allByTestId(String id) {
    return driver.findElements(testId(id));
  }

  static By testId(String id) {
    return By.cssSelector("[data-testid='" + id + "']");
  }

  /** The attribute {@code name} of the first element {@code testId}, or null if there is none. */
  String attr(String testId, String name) {
    List<WebElement> found = allByTestId(testId);
    return found.isEmpty() ? null : found.get(0).getAttribute(name);
  }

  /** The visible text of the first element {@code testId}, or null if there is none. */
  String text(String testId) {
    List<WebElement> found = allByTestId(testId);
    return found.isEmpty() ? null : found.get(0).getText();
  }

  /** Waits up to {@code timeout} for {@code condition}, ignoring elements re-rendered meanwhile. */
  void await(String what, Duration timeout, java.util.concurrent.Callable<Boolean> condition) {
    org.awaitility.Awaitility.await(what)
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(condition);
  }

  void await(String what, java.util.concurrent.Callable<Boolean> condition) {
    await(what, Duration.ofSeconds(20), condition);
  }

  /** Clicks the first element {@code testId}, once it is there and shown. */
  void click(String testId) {
    await("element " + testId + " shown", () -> byTestId(testId).isDisplayed());
    byTestId(testId).click();
  }

  /** Clicks {@code testId}, then the confirm button of the dialog that asks. */
  void clickAndConfirm(String testId) {
    click(testId);
    click("btn-confirm");
  }

  Object script(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  Object asyncScript(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeAsyncScript(script, args);
  }

  /**
   * Sends {@code headers} with every request of this browser from now on (fetch, EventSource and
   * page loads alike), through the DevTools protocol: how a test shows a bearer token.
   */
  void sendHeaders(Map<String, String> headers) {
    driver.executeCdpCommand("Network.enable", Map.of());
    driver.executeCdpCommand("Network.setExtraHTTPHeaders", Map.of("headers", headers));
  }

  /** Emulates {@code prefers-color-scheme: dark} (or light) for the pages. */
  void colorScheme(boolean dark) {
    driver.executeCdpCommand(
        "Emulation.setEmulatedMedia",
        Map.of(
            "features",
            List.of(Map.of("name", "prefers-color-scheme", "value", dark ? "dark" : "light"))));
  }

  void phone() {
    driver.manage().window().setSize(new Dimension(PHONE_WIDTH, PHONE_HEIGHT));
  }

  void desktop() {
    driver.manage().window().setSize(new Dimension(DESKTOP_WIDTH, DESKTOP_HEIGHT));
  }

  /** Saves what the browser shows as target/screenshots/{name}.png and returns its path. */
  Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path target = SCREENSHOTS.resolve(name + ".png");
      File shot = driver.getScreenshotAs(OutputType.FILE);
      Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Saves the whole page, beyond the window's height, as target/screenshots/{name}.png (through the
   * DevTools protocol: WebDriver's own screenshot is only the viewport).
   */
  @SuppressWarnings("unchecked")
  Path fullPageScreenshot(String name) {
    Map<String, Object> metrics = driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
    Map<String, Object> size = (Map<String, Object>) metrics.get("cssContentSize");
    // The window's width, not the content's: captured beyond the viewport, the page loses its
    // vertical scroll bar and lays out that much wider.
    long width =
        Math.max(
            Math.round(((Number) size.get("width")).doubleValue()),
            ((Number) script("return window.innerWidth")).longValue());
    long height = Math.min(Math.round(((Number) size.get("height")).doubleValue()), 8000);
    Map<String, Object> shot =
        driver.executeCdpCommand(
            "Page.captureScreenshot",
            Map.of(
                "format",
                "png",
                "captureBeyondViewport",
                true,
                "clip",
                Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
    try {
      Files.createDirectories(SCREENSHOTS);
      Path target = SCREENSHOTS.resolve(name + ".png");
      Files.write(target, java.util.Base64.getDecoder().decode((String) shot.get("data")));
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What the page's console said since the last call (errors, CSP violations, alerts aside). */
  List<String> consoleLog() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .map(LogEntry::toString)
        .toList();
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
      deleteQuietly(profile);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp dir left behind is harmless
    }
  }
}
