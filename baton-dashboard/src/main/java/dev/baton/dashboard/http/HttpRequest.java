package dev.baton.dashboard.http;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One HTTP request as the dashboard sees it, independent of the server that received it.
 *
 * @param method upper-case method, e.g. {@code GET}
 * @param path the path below the mount point, starting with {@code /} (never the query)
 * @param mountPath the path the dashboard is mounted at, without a trailing slash ({@code ""} at
 *     the root, {@code /baton} under a servlet mapping {@code /baton/*})
 * @param query decoded query parameters, each with its values in order
 * @param headers header values by lower-case name
 * @param body the request body (empty when there is none)
 * @param bodyTooLarge whether the body was longer than the dashboard accepts (and was not read)
 * @param remoteAddress the caller's address (the peer of the connection)
 * @param secure whether the request came over TLS
 */
public record HttpRequest(
    String method,
    String path,
    String mountPath,
    Map<String, List<String>> query,
    Map<String, List<String>> headers,
    byte[] body,
    boolean bodyTooLarge,
    InetAddress remoteAddress,
    boolean secure) {

  public HttpRequest {
    method = method.toUpperCase(Locale.ROOT);
    path = path == null || path.isEmpty() ? "/" : path;
    mountPath = mountPath == null || mountPath.equals("/") ? "" : stripSlash(mountPath);
    query = Map.copyOf(query);
    TreeMap<String, List<String>> lower = new TreeMap<>();
    headers.forEach(
        (name, values) ->
            lower
                .computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new java.util.ArrayList<>())
                .addAll(values));
    headers = java.util.Collections.unmodifiableMap(lower);
    body = body == null ? new byte[0] : body;
  }

  private static String stripSlash(String p) {
    return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }

  /** The first value of header {@code name} (any case), if present. */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** The first value of query parameter {@code name}, if present. */
  public Optional<String> param(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** The body as UTF-8 text. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** Whether the method may change something (everything but GET, HEAD and OPTIONS). */
  public boolean isStateChanging() {
    return !(method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS"));
  }
}
