package dev.baton.dashboard.http;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What the dashboard answers: a status, headers and either a body or an event stream. Immutable;
 * {@link #withHeader} returns a copy.
 *
 * @param status the HTTP status
 * @param headers header values by name
 * @param body the body bytes (empty for an event stream)
 * @param stream for a server-sent events response: called by the adapter with the open stream,
 *     after the status and headers went out; else null
 */
public record HttpResponse(
    int status, Map<String, String> headers, byte[] body, Consumer<EventStream> stream) {

  public static final String JSON = "application/json; charset=utf-8";

  public HttpResponse {
    headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    body = body == null ? new byte[0] : body;
  }

  /** A response with {@code body} of {@code contentType}. */
  public static HttpResponse of(int status, String contentType, byte[] body) {
    return new HttpResponse(status, Map.of("Content-Type", contentType), body, null);
  }

  /** A JSON response of already-written JSON text. */
  public static HttpResponse json(int status, String json) {
    return of(status, JSON, json.getBytes(StandardCharsets.UTF_8));
  }

  /** An event stream: {@code opened} is called with the stream once the headers are out. */
  public static HttpResponse events(Consumer<EventStream> opened) {
    return new HttpResponse(
        200, Map.of("Content-Type", "text/event-stream; charset=utf-8"), new byte[0], opened);
  }

  /** Whether this is an event stream. */
  public boolean isStream() {
    return stream != null;
  }

  /** This response with header {@code name} set to {@code value} (replacing any). */
  public HttpResponse withHeader(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(name, value);
    return new HttpResponse(status, copy, body, stream);
  }

  /** This response with {@code name} set only if not set already. */
  public HttpResponse withDefaultHeader(String name, String value) {
    return headers.containsKey(name) ? this : withHeader(name, value);
  }

  /** The body as UTF-8 text (for tests and logs). */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
