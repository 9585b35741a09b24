package dev.baton.dashboard.security;

import dev.baton.dashboard.http.HttpRequest;
import java.util.Optional;

/**
 * The default {@link Authorizer}: no authentication, every caller from a loopback address is an
 * anonymous admin and every other caller is refused (as Hangfire's local-only default).
 */
public final class LoopbackOnly implements Authorizer {
  private static final Principal LOCAL = new Principal("local", Role.ADMIN);

  @Override
  public Optional<Principal> authorize(HttpRequest request) {
    boolean loopback =
        request.remoteAddress() != null && request.remoteAddress().isLoopbackAddress();
    return loopback ? Optional.of(LOCAL) : Optional.empty();
  }

  @Override
  public String toString() {
    return "LoopbackOnly";
  }
}
