package dev.baton.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Times GET requests over HTTP, as a browser's fetch sees them: from sending the request to the
 * last byte of the body. Every round calls every route once, in order (so caches and the JIT see
 * the mix a dashboard causes, not one route a hundred times in a row).
 */
final class RouteTimer {
  /** What the dashboard answers a route within, at most (issue 17). */
  static final double BUDGET_MS = 200;

  /** A route to time: a label for the table and the path with its query. */
  record Route(String label, String path) {}

  /** The times of one route, milliseconds, with the last answer's status and size. */
  record Timing(Route route, double[] millis, int status, int bytes) {
    double median() {
      return quantile(0.5);
    }

    double p95() {
      return quantile(0.95);
    }

    double max() {
      return millis[millis.length - 1];
    }

    private double quantile(double q) {
      return millis[Math.max(0, (int) Math.ceil(q * millis.length) - 1)];
    }

    boolean overBudget() {
      return status != 200 || max() > BUDGET_MS;
    }

    String row() {
      return String.format(
          Locale.ROOT,
          "| %s | `%s` | %.1f | %.1f | %.1f | %s | %,d |%s",
          route.label(),
          route.path().replace("|", "\\|"),
          median(),
          p95(),
          max(),
          status,
          bytes,
          overBudget() ? " **over 200 ms or not 200**" : "");
    }
  }

  private final HttpClient http;
  private final String base;

  RouteTimer(HttpClient http, String base) {
    this.http = http;
    this.base = base;
  }

  /** {@code warmups} unmeasured rounds, then {@code calls} measured ones. */
  List<Timing> time(List<Route> routes, int warmups, int calls) throws Exception {
    for (int round = 0; round < warmups; round++) {
      for (Route r : routes) {
        get(r.path());
      }
    }
    double[][] millis = new double[routes.size()][calls];
    int[] status = new int[routes.size()];
    int[] bytes = new int[routes.size()];
    for (int round = 0; round < calls; round++) {
      for (int i = 0; i < routes.size(); i++) {
        long t0 = System.nanoTime();
        HttpResponse<byte[]> answer = get(routes.get(i).path());
        millis[i][round] = (System.nanoTime() - t0) / 1e6;
        status[i] = answer.statusCode();
        bytes[i] = answer.body().length;
      }
    }
    List<Timing> timings = new ArrayList<>();
    for (int i = 0; i < routes.size(); i++) {
      Arrays.sort(millis[i]);
      timings.add(new Timing(routes.get(i), millis[i], status[i], bytes[i]));
    }
    return timings;
  }

  HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).build();
    return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  String text(String path) throws IOException, InterruptedException {
    HttpResponse<byte[]> answer = get(path);
    if (answer.statusCode() != 200) {
      throw new IllegalStateException("GET " + path + " answered " + answer.statusCode());
    }
    return new String(answer.body(), java.nio.charset.StandardCharsets.UTF_8);
  }
}
