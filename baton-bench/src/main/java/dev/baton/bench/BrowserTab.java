package dev.baton.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What an open dashboard tab asks of the server: an event stream held open ({@code stats} every
 * second) and, every second, {@code /api/v1/stats} and the PROCESSING list (the jobs page's
 * polling). Keeps the arrival times of the stream's ticks and the poll times.
 */
final class BrowserTab implements AutoCloseable {
  private final RouteTimer http;
  private final ScheduledExecutorService poller;
  private final Thread reader;
  private final List<Long> ticks = new ArrayList<>();
  private final List<Double> polls = new ArrayList<>();
  private final Stream<String> stream;
  private volatile int failedPolls;

  private BrowserTab(HttpClient client, String base) throws Exception {
    this.http = new RouteTimer(client, base);
    HttpRequest events = HttpRequest.newBuilder(URI.create(base + "/api/v1/events")).build();
    HttpResponse<Stream<String>> answer = client.send(events, HttpResponse.BodyHandlers.ofLines());
    if (answer.statusCode() != 200) {
      throw new IllegalStateException("/api/v1/events answered " + answer.statusCode());
    }
    this.stream = answer.body();
    this.reader =
        new Thread(
            () -> {
              try {
                stream.forEach(
                    line -> {
                      if (line.startsWith("event:") && line.contains("stats")) {
                        synchronized (ticks) {
                          ticks.add(System.nanoTime());
                        }
                      }
                    });
              } catch (RuntimeException closed) {
                // the stream was closed: the tab is gone
              }
            },
            "browser-tab-events");
    reader.setDaemon(true);
    reader.start();
    this.poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "browser-tab-poll");
              t.setDaemon(true);
              return t;
            });
    poller.scheduleAtFixedRate(this::poll, 0, 1, TimeUnit.SECONDS);
  }

  /** Opens the tab: the event stream, then polling every second. */
  static BrowserTab open(HttpClient client, String base) throws Exception {
    return new BrowserTab(client, base);
  }

  private void poll() {
    for (String path : List.of("/api/v1/stats", "/api/v1/jobs?state=PROCESSING")) {
      try {
        long t0 = System.nanoTime();
        int status = http.get(path).statusCode();
        double ms = (System.nanoTime() - t0) / 1e6;
        if (status != 200) {
          failedPolls++;
        }
        synchronized (polls) {
          polls.add(ms);
        }
      } catch (Exception e) {
        failedPolls++;
      }
    }
  }

  /** Waits until the stream has delivered {@code n} ticks in all; false if it did not in time. */
  boolean awaitTicks(int n, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (tickCount() < n) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }

  int tickCount() {
    synchronized (ticks) {
      return ticks.size();
    }
  }

  /** The gaps between consecutive ticks, milliseconds, sorted. */
  double[] tickGaps() {
    synchronized (ticks) {
      double[] gaps = new double[Math.max(0, ticks.size() - 1)];
      for (int i = 1; i < ticks.size(); i++) {
        gaps[i - 1] = (ticks.get(i) - ticks.get(i - 1)) / 1e6;
      }
      Arrays.sort(gaps);
      return gaps;
    }
  }

  /** The polls so far: how many, their median and max, milliseconds. */
  String pollSummary() {
    double[] ms;
    synchronized (polls) {
      ms = polls.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }
    if (ms.length == 0) {
      return "no polls";
    }
    return String.format(
        Locale.ROOT,
        "%d polls, median %.1f ms, max %.1f ms%s; %d stream ticks",
        ms.length,
        ms[ms.length / 2],
        ms[ms.length - 1],
        failedPolls == 0 ? "" : ", " + failedPolls + " failed",
        tickCount());
  }

  @Override
  public void close() throws InterruptedException {
    poller.shutdownNow();
    poller.awaitTermination(10, TimeUnit.SECONDS);
    stream.close();
    reader.join(2_000);
  }
}
