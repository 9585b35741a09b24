package dev.baton.dashboard.jdk;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsExchange;
import dev.baton.dashboard.Dashboard;
import dev.baton.dashboard.http.BodyReader;
import dev.baton.dashboard.http.HttpRequest;
import dev.baton.dashboard.http.HttpResponse;
import dev.baton.dashboard.http.QueryString;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Drives a {@link Dashboard} from {@code com.sun.net.httpserver}: one exchange, one request. */
final class JdkHttpServerAdapter implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(JdkHttpServerAdapter.class);

  private final Dashboard dashboard;
  private final String mountPath;

  JdkHttpServerAdapter(Dashboard dashboard, String mountPath) {
    this.dashboard = dashboard;
    this.mountPath = mountPath;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try {
      HttpResponse response = dashboard.handle(request(exchange));
      write(exchange, response);
    } catch (IOException | RuntimeException e) {
      log.debug("dashboard exchange failed: {}", e.toString());
      exchange.close();
    }
  }

  private HttpRequest request(HttpExchange exchange) throws IOException {
    String raw = exchange.getRequestURI().getRawPath();
    String path = raw.length() >= mountPath.length() ? raw.substring(mountPath.length()) : "/";
    long declared = declaredLength(exchange);
    Optional<byte[]> body =
        BodyReader.read(exchange.getRequestBody(), declared, dashboard.config().maxBodyBytes());
    return new HttpRequest(
        exchange.getRequestMethod(),
        path.isEmpty() ? "/" : path,
        mountPath,
        QueryString.parse(exchange.getRequestURI().getRawQuery()),
        exchange.getRequestHeaders(),
        body.orElse(null),
        body.isEmpty(),
        exchange.getRemoteAddress().getAddress(),
        exchange instanceof HttpsExchange);
  }

  private static long declaredLength(HttpExchange exchange) {
    String value = exchange.getRequestHeaders().getFirst("Content-Length");
    try {
      return value == null ? -1 : Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void write(HttpExchange exchange, HttpResponse response) throws IOException {
    for (Map.Entry<String, String> h : response.headers().entrySet()) {
      exchange.getResponseHeaders().set(h.getKey(), h.getValue());
    }
    boolean head = exchange.getRequestMethod().equalsIgnoreCase("HEAD");
    if (response.isStream() && head) {
      exchange.sendResponseHeaders(200, -1); // an event stream's headers, without opening it
      exchange.close();
      return;
    }
    if (response.isStream()) {
      exchange.getResponseHeaders().set("X-Accel-Buffering", "no");
      exchange.sendResponseHeaders(200, 0);
      response.stream().accept(new JdkEventStream(exchange));
      return; // the stream closes the exchange
    }
    byte[] body = response.body();
    exchange.sendResponseHeaders(response.status(), body.length == 0 || head ? -1 : body.length);
    if (body.length > 0 && !head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
    exchange.close();
  }
}
