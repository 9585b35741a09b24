package dev.baton.dashboard.security;

import dev.baton.dashboard.http.HttpRequest;
import java.util.Optional;

/**
 * Decides who a request comes from. Called for every request before anything else; no principal
 * means 401 (with {@link #challenge()} as {@code WWW-Authenticate}, when there is one).
 *
 * <p>Built in: {@link LoopbackOnly} (the default), {@link BasicAuthorizer}, {@link
 * BearerTokenAuthorizer}. Implement it to reuse the host application's sessions or SSO.
 */
@FunctionalInterface
public interface Authorizer {
  /** The caller of {@code request}, or empty when it is not allowed in. */
  Optional<Principal> authorize(HttpRequest request);

  /** The {@code WWW-Authenticate} value sent with a 401, or null for none. */
  default String challenge() {
    return null;
  }

  /**
   * Every caller, from any address, is an anonymous admin. Only for a dashboard that something in
   * front of it protects.
   */
  static Authorizer anonymousAdmin() {
    Principal anonymous = new Principal("anonymous", Role.ADMIN);
    return request -> Optional.of(anonymous);
  }
}
