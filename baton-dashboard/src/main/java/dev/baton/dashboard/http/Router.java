package dev.baton.dashboard.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The route table: finds the route for a method and path, or says why there is none (no such path,
 * or the path exists for other methods). Routes are tried in order; literal routes should come
 * before patterns that would also match them ({@code /jobs/bulk} before {@code /jobs/{id}}).
 */
public final class Router {
  private final List<Route> routes;

  public Router(List<Route> routes) {
    this.routes = List.copyOf(routes);
  }

  public List<Route> routes() {
    return routes;
  }

  /** The outcome of looking a request up. */
  public sealed interface Match {}

  /** A route answers it. */
  public record Found(Route route, Map<String, String> params) implements Match {}

  /** No route has this path. */
  public record NotFound() implements Match {}

  /** Routes have this path, but for other methods (listed for the {@code Allow} header). */
  public record WrongMethod(List<String> allowed) implements Match {}

  /**
   * The route for {@code method} and {@code path}. HEAD is answered by the GET route (the adapters
   * send its headers without the body), as HTTP requires of every GET resource.
   */
  public Match match(String method, String path) {
    String wanted = method.equals("HEAD") ? "GET" : method;
    TreeSet<String> allowed = new TreeSet<>();
    for (Route route : routes) {
      Optional<Map<String, String>> params = route.match(path);
      if (params.isEmpty()) {
        continue;
      }
      if (route.method().equals(wanted)) {
        return new Found(route, params.get());
      }
      allowed.add(route.method());
      if (route.method().equals("GET")) {
        allowed.add("HEAD");
      }
    }
    return allowed.isEmpty() ? new NotFound() : new WrongMethod(new ArrayList<>(allowed));
  }
}
