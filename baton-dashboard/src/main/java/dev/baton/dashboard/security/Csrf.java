package dev.baton.dashboard.security;

import dev.baton.dashboard.http.HttpRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Cross-site request forgery checks for state-changing requests.
 *
 * <ul>
 *   <li>Always: a request with {@code Sec-Fetch-Site: cross-site} or {@code same-site}, or with an
 *       {@code Origin} that is not the dashboard's own, is refused.
 *   <li>A request that looks like a browser's ({@code Sec-Fetch-Site}, {@code Origin} or a cookie
 *       present) must also carry {@value #HEADER} equal to {@link #token}: an HMAC of the principal
 *       under a per-dashboard secret, handed out by {@code /api/v1/me}.
 * </ul>
 *
 * Scripts that send none of those headers need no token; they cannot be driven by another site.
 */
public final class Csrf {
  public static final String HEADER = "X-Baton-Csrf";

  private final byte[] secret;

  public Csrf(byte[] secret) {
    if (secret == null || secret.length < 16) {
      throw new IllegalArgumentException("CSRF secret must be at least 16 bytes");
    }
    this.secret = secret.clone();
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
    if (origin.isPresent() && !isOwnOrigin(origin.get(), request)) {
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
