package dev.baton.dashboard.http;

import dev.baton.dashboard.security.Principal;
import java.util.Map;

/**
 * A request matched to a route and authorized: what a route handler gets.
 *
 * @param request the request
 * @param pathParams the values of the route's {@code {name}} segments, decoded
 * @param principal who is calling
 */
public record Call(HttpRequest request, Map<String, String> pathParams, Principal principal) {
  public Call {
    pathParams = Map.copyOf(pathParams);
  }

  /** The value of path parameter {@code name}; the route pattern guarantees it is there. */
  public String path(String name) {
    String value = pathParams.get(name);
    if (value == null) {
      throw new IllegalStateException("route has no path parameter {" + name + "}");
    }
    return value;
  }
}
