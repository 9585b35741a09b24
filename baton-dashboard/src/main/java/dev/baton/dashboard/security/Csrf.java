package dev.baton.dashboard.security;

import dev.baton.dashboard.http.HttpRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Cross-site request forgery checks for state-changing requests.
 *
 * <ul>
 *   <li>Always: a request with {@code Sec-Fetch-Site: cross-site} or {@code same-site}, or with an
 *       {@code Origin} that is neither the dashboard's own (the scheme of the connection and the
 *       {@code Host} header) nor one of its public origins, is refused.
 *   <li>A request that looks like a browser's ({@code Sec-Fetch-Site}, {@code Origin} or a cookie
 *       present) must also carry {@value #HEADER} equal to {@link #token}: an HMAC of the principal
 *       under a per-dashboard secret, handed out by {@code /api/v1/me}.
 * </ul>
 *
 * Scripts that send none of those headers need no token; they cannot be driven by another site.
 *
 * <p>Public origins are for a reverse proxy that rewrites {@code Host} or ends TLS: the browser
 * then sends {@code Origin: https://jobs.example.com} to a dashboard that sees {@code Host:
 * 127.0.0.1:8080} over plain HTTP. Forwarded headers are never trusted for this; the origins are
 * configured.
 */
public final class Csrf {
  public static final String HEADER = "X-Baton-Csrf";

  private final byte[] secret;
  private final Set<String> publicOrigins;

  /** Checks against the dashboard's own origin only. */
  public Csrf(byte[] secret) {
    this(secret, Set.of());
  }

  /**
   * Also accepts {@code publicOrigins}, each normalized by {@link #normalizeOrigin}.
   *
   * @throws IllegalArgumentException if the secret is shorter than 16 bytes or an origin is not one
   */
  public Csrf(byte[] secret, Set<String> publicOrigins) {
    if (secret == null || secret.length < 16) {
      throw new IllegalArgumentException("CSRF secret must be at least 16 bytes");
    }
    this.secret = secret.clone();
    Set<String> origins = new LinkedHashSet<>();
    for (String origin : publicOrigins) {
      origins.add(normalizeOrigin(origin));
    }
    this.publicOrigins = Set.copyOf(origins);
  }

  /**
   * {@code origin} as a browser sends it in {@code Origin}: lower-case scheme and host, the port
   * only when it is not the scheme's default, no trailing slash.
   *
   * @throws IllegalArgumentException naming what is wrong: not http(s), no host, or a path, query,
   *     fragment or user part (an origin is scheme, host and port only)
   */
  public static String normalizeOrigin(String origin) {
    String given = origin == null ? "" : origin.trim();
    String bare = given.endsWith("/") ? given.substring(0, given.length() - 1) : given;
    URI uri;
    try {
      uri = new URI(bare);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException(
          "public origin '" + given + "' is not a URL; give one like https://jobs.example.com");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException(
          "public origin '" + given + "' must start with https:// or http://");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException(
          "public origin '" + given + "' has no host; give one like https://jobs.example.com");
    }
    if (uri.getRawUserInfo() != null
        || !(uri.getRawPath() == null || uri.getRawPath().isEmpty())
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "public origin '"
              + given
              + "' must be scheme, host and port only (a browser's Origin has no path):"
              + " give "
              + scheme
              + "://"
              + uri.getRawAuthority().replaceFirst("^.*@", ""));
    }
    int port = uri.getPort();
    boolean defaultPort =
        port == -1
            || (scheme.equals("https") && port == 443)
            || (scheme.equals("http") && port == 80);
    return scheme
        + "://"
        + uri.getHost().toLowerCase(Locale.ROOT)
        + (defaultPort ? "" : ":" + port);
  }

  /** The configured public origins, normalized. */
  public Set<String> publicOrigins() {
    return publicOrigins;
  }

  /** The token {@code principal} must send in {@value #HEADER}. */
  public String token(Principal principal) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      byte[] tag =
          mac.doFinal(
              (principal.name() + "\n" + principal.role()).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(tag);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no HmacSHA256", e);
    }
  }

  /** Why {@code request} is refused, or empty when it passes. Only for state-changing requests. */
  public Optional<String> refusal(HttpRequest request, Principal principal) {
    Optional<String> site = request.header("Sec-Fetch-Site");
    if (site.isPresent()
        && (site.get().equalsIgnoreCase("cross-site")
            || site.get().equalsIgnoreCase("same-site"))) {
      return Optional.of("cross-site request refused (Sec-Fetch-Site: " + site.get() + ")");
    }
    Optional<String> origin = request.header("Origin");
    if (origin.isPresent() && !isOwnOrigin(origin.get(), request) && !isPublic(origin.get())) {
      return Optional.of("request from another origin refused (Origin: " + origin.get() + ")");
    }
    boolean browser =
        site.isPresent() || origin.isPresent() || request.header("Cookie").isPresent();
    if (!browser) {
      return Optional.empty();
    }
    Optional<String> sent = request.header(HEADER);
    if (sent.isEmpty()) {
      return Optional.of("missing " + HEADER + " header; read the token from GET /api/v1/me");
    }
    if (!Secrets.constantTimeEquals(sent.get(), token(principal))) {
      return Optional.of("wrong " + HEADER + " token; read it again from GET /api/v1/me");
    }
    return Optional.empty();
  }

  private boolean isPublic(String origin) {
    if (publicOrigins.isEmpty()) {
      return false;
    }
    try {
      return publicOrigins.contains(normalizeOrigin(origin));
    } catch (IllegalArgumentException notAnOrigin) {
      return false;
    }
  }

  /** Whether {@code origin} names the host the request was sent to (same scheme, host, port). */
  private static boolean isOwnOrigin(String origin, HttpRequest request) {
    Optional<String> host = request.header("Host");
    if (host.isEmpty() || origin.equals("null")) {
      return false;
    }
    try {
      URI uri = URI.create(origin);
      String scheme = request.secure() ? "https" : "http";
      return scheme.equalsIgnoreCase(uri.getScheme())
          && uri.getRawAuthority() != null
          && withPort(uri.getRawAuthority(), scheme).equalsIgnoreCase(withPort(host.get(), scheme));
    } catch (IllegalArgumentException malformed) {
      return false;
    }
  }

  private static String withPort(String authority, String scheme) {
    boolean hasPort = authority.lastIndexOf(':') > authority.lastIndexOf(']');
    return hasPort ? authority : authority + (scheme.equals("https") ? ":443" : ":80");
  }
}
