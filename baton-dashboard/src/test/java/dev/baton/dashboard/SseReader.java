package dev.baton.dashboard;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Reads a server-sent event stream in the background and collects its events. */
final class SseReader implements AutoCloseable {
  record Event(String name, String data) {}

  final List<Event> events = new CopyOnWriteArrayList<>();
  volatile boolean ended;
  final HttpResponse<InputStream> response;
  private final Thread reader;

  SseReader(HttpClient http, String url, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    this.response = http.send(b.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    this.reader = new Thread(this::read, "sse-reader");
    reader.setDaemon(true);
    reader.start();
  }

  boolean has(String name) {
    return events.stream().anyMatch(e -> e.name().equals(name));
  }

  List<Event> named(String name) {
    return events.stream().filter(e -> e.name().equals(name)).toList();
  }

  private void read() {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String name = null;
      StringBuilder data = new StringBuilder();
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isEmpty()) {
          if (name != null) {
            events.add(new Event(name, data.toString()));
          }
          name = null;
          data.setLength(0);
        } else if (line.startsWith("event: ")) {
          name = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data.append(line.substring(6));
        }
      }
    } catch (IOException closed) {
      // the test closed the stream
    } finally {
      ended = true;
    }
  }

  @Override
  public void close() throws IOException {
    response.body().close();
    reader.interrupt();
  }
}
