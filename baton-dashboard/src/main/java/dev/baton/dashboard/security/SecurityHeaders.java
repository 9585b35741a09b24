package dev.baton.dashboard.security;

import dev.baton.dashboard.http.HttpResponse;

/**
 * The headers every answer carries: a strict Content-Security-Policy (scripts and styles only from
 * the dashboard itself, no inline code, no framing), no MIME sniffing, no referrer, and {@code
 * Cache-Control: no-store} unless the answer chose its own caching (the hashed assets).
 */
public final class SecurityHeaders {
  public static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          + "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  private SecurityHeaders() {}

  public static HttpResponse apply(HttpResponse response) {
    return response
        .withHeader("Content-Security-Policy", CSP)
        .withHeader("X-Content-Type-Options", "nosniff")
        .withHeader("Referrer-Policy", "no-referrer")
        .withHeader("X-Frame-Options", "DENY")
        .withHeader("Cross-Origin-Resource-Policy", "same-origin")
        .withDefaultHeader("Cache-Control", "no-store");
  }
}
