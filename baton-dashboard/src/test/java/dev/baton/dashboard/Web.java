package dev.baton.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A small HTTP client for the tests: real requests over loopback, answers with parsed JSON. */
final class Web {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  /** {@code base} without a trailing slash, e.g. {@code http://127.0.0.1:1234/baton}. */
  Web(String base) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }

  String base() {
    return base;
  }

  /** An answer: status, headers and body (with its JSON, when it is JSON). */
  record Answer(int status, java.net.http.HttpHeaders headers, String body) {
    JsonNode json() {
      try {
        return MAPPER.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }

    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    String errorCode() {
      return json().path("error").path("code").asText();
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  Answer get(String path, String... headers) {
    return send(request(path, headers).GET().build());
  }

  Answer post(String path, String json, String... headers) {
    HttpRequest.Builder b = request(path, headers);
    if (json != null) {
      b.header("Content-Type", "application/json");
      b.POST(HttpRequest.BodyPublishers.ofString(json));
    } else {
      b.POST(HttpRequest.BodyPublishers.noBody());
    }
    return send(b.build());
  }

  Answer put(String path, String json, String... headers) {
    return send(
        request(path, headers)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  Answer delete(String path, String... headers) {
    return send(request(path, headers).DELETE().build());
  }

  /** Any method with a raw body and explicit headers (content type included). */
  Answer raw(String method, String path, byte[] body, String... headers) {
    return send(
        request(path, headers)
            .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
            .build());
  }

  HttpRequest.Builder request(String path, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return b;
  }

  HttpClient client() {
    return http;
  }

  private Answer send(HttpRequest request) {
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String json(Map<String, ?> value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
