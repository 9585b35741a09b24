package dev.baton.dashboard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A reverse proxy as nginx's {@code proxy_pass} does it by default: it forwards every request to a
 * target and sets {@code Host} to the target's, so the dashboard sees its own address while the
 * browser sent the proxy's as {@code Origin}.
 */
final class RewritingProxy implements AutoCloseable {
  private static final Set<String> HOP_BY_HOP =
      Set.of("host", "connection", "content-length", "transfer-encoding", "upgrade", "expect");

  private final HttpServer server;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private volatile String target;

  RewritingProxy() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::forward);
    server.start();
  }

  /** The proxy's origin, such as {@code http://127.0.0.1:41234}: what the browser sees. */
  String origin() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Forwards to {@code base} (no trailing slash) from now on. */
  void target(String base) {
    this.target = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }

  private void forward(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
              .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
      for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
        if (!HOP_BY_HOP.contains(header.getKey().toLowerCase(java.util.Locale.ROOT))) {
          for (String value : header.getValue()) {
            request.header(header.getKey(), value);
          }
        }
      }
      HttpResponse<byte[]> answer;
      try {
        answer = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      answer
          .headers()
          .map()
          .forEach(
              (name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(java.util.Locale.ROOT))
                    && !name.startsWith(":")) {
                  exchange.getResponseHeaders().put(name, values);
                }
              });
      byte[] out = answer.body();
      exchange.sendResponseHeaders(answer.statusCode(), out.length == 0 ? -1 : out.length);
      try (OutputStream o = exchange.getResponseBody()) {
        o.write(out);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
