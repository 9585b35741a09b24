package dev.baton.dashboard.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of the route table: a method, a path pattern such as {@code /api/v1/jobs/{id}} (each
 * {@code {name}} matches one non-empty segment) and its handler.
 *
 * @param method upper-case HTTP method
 * @param pattern the path pattern, starting with {@code /}
 * @param handler what answers it
 */
public record Route(String method, String pattern, Handler handler) {
  public Route {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(handler, "handler of " + pattern);
    if (pattern == null || !pattern.startsWith("/")) {
      throw new IllegalArgumentException(
          "route pattern must start with '/', got '" + pattern + "'");
    }
  }

  public static Route get(String pattern, Handler handler) {
    return new Route("GET", pattern, handler);
  }

  public static Route post(String pattern, Handler handler) {
    return new Route("POST", pattern, handler);
  }

  public static Route put(String pattern, Handler handler) {
    return new Route("PUT", pattern, handler);
  }

  public static Route delete(String pattern, Handler handler) {
    return new Route("DELETE", pattern, handler);
  }

  /** The path parameters if {@code path} matches this route's pattern (method aside). */
  public Optional<Map<String, String>> match(String path) {
    List<String> want = segments(pattern);
    List<String> got = segments(path);
    if (want.size() != got.size()) {
      return Optional.empty();
    }
    Map<String, String> params = new HashMap<>();
    for (int i = 0; i < want.size(); i++) {
      String w = want.get(i);
      String g = got.get(i);
      if (w.startsWith("{") && w.endsWith("}")) {
        if (g.isEmpty()) {
          return Optional.empty();
        }
        params.put(w.substring(1, w.length() - 1), decode(g));
      } else if (!w.equals(g)) {
        return Optional.empty();
      }
    }
    return Optional.of(params);
  }

  /** Whether the route is part of the JSON API (as opposed to the pages and assets). */
  public boolean isApi() {
    return pattern.startsWith("/api/");
  }

  private static List<String> segments(String path) {
    String p =
        path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    return List.of(p.substring(1).split("/", -1));
  }

  private static String decode(String segment) {
    try {
      return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformed) {
      return segment;
    }
  }

  @Override
  public String toString() {
    return method + " " + pattern;
  }
}
