package dev.baton.dashboard.servlet;

import dev.baton.dashboard.Dashboard;
import dev.baton.dashboard.api.ApiError;
import dev.baton.dashboard.http.BodyReader;
import dev.baton.dashboard.http.HttpRequest;
import dev.baton.dashboard.http.HttpResponse;
import dev.baton.dashboard.http.QueryString;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Mounts a {@link Dashboard} in a Jakarta Servlet 6 container (Jetty, Tomcat, Spring Boot), under
 * any context path and mapping such as {@code /baton/*}. Register it with async support on, for the
 * event stream:
 *
 * <pre>{@code
 * ServletHolder holder = new ServletHolder(new BatonDashboardServlet(dashboard));
 * holder.setAsyncSupported(true);
 * context.addServlet(holder, "/baton/*");
 * }</pre>
 *
 * The container's own authentication can sit in front; pass an {@code Authorizer} that reads its
 * principal to the dashboard.
 */
public class BatonDashboardServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  private final transient Dashboard dashboard;

  public BatonDashboardServlet(Dashboard dashboard) {
    this.dashboard = dashboard;
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    HttpResponse response = dashboard.handle(request(req));
    if (response.isStream() && !req.isAsyncSupported()) {
      response =
          ApiError.internal("the dashboard servlet must be registered with async support")
              .response(new dev.baton.dashboard.api.Json());
    }
    resp.setStatus(response.status());
    response.headers().forEach(resp::setHeader);
    if (response.isStream()) {
      resp.setHeader("X-Accel-Buffering", "no");
      AsyncContext async = req.startAsync();
      async.setTimeout(0); // the dashboard closes streams itself after their lifetime
      resp.flushBuffer();
      ServletEventStream stream = new ServletEventStream(async);
      async.addListener(new Ended(stream));
      response.stream().accept(stream);
      return;
    }
    byte[] body = response.body();
    if (body.length > 0 && !req.getMethod().equals("HEAD")) {
      resp.setContentLength(body.length);
      try (OutputStream out = resp.getOutputStream()) {
        out.write(body);
      }
    }
  }

  private HttpRequest request(HttpServletRequest req) throws IOException {
    String mount = req.getContextPath() + req.getServletPath();
    String uri = req.getRequestURI();
    String path = uri.startsWith(mount) ? uri.substring(mount.length()) : req.getPathInfo();
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String name : Collections.list(req.getHeaderNames())) {
      headers.put(name, Collections.list(req.getHeaders(name)));
    }
    Optional<byte[]> body =
        BodyReader.read(
            req.getInputStream(), req.getContentLengthLong(), dashboard.config().maxBodyBytes());
    return new HttpRequest(
        req.getMethod(),
        path == null || path.isEmpty() ? "/" : path,
        mount,
        QueryString.parse(req.getQueryString()),
        headers,
        body.orElse(null),
        body.isEmpty(),
        address(req.getRemoteAddr()),
        req.isSecure());
  }

  private static InetAddress address(String remote) {
    try {
      // A literal address from the container: no name lookup happens.
      return remote == null ? null : InetAddress.getByName(remote);
    } catch (IOException e) {
      return null;
    }
  }

  private record Ended(ServletEventStream stream) implements AsyncListener {
    @Override
    public void onComplete(AsyncEvent event) {
      stream.ended();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
      stream.close();
    }

    @Override
    public void onError(AsyncEvent event) {
      stream.close();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {}
  }
}
