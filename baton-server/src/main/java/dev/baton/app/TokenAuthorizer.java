package dev.baton.app;

import dev.baton.dashboard.http.HttpRequest;
import dev.baton.dashboard.security.Authorizer;
import dev.baton.dashboard.security.BasicAuthorizer;
import dev.baton.dashboard.security.BearerTokenAuthorizer;
import dev.baton.dashboard.security.Principal;
import dev.baton.dashboard.security.Role;
import java.util.Optional;

/**
 * The app's dashboard authentication from {@code --api-token} and {@code --read-only-token}.
 * Scripts send {@code Authorization: Bearer TOKEN}. A browser cannot add that header by itself, so
 * the same tokens also work as HTTP Basic passwords, of the users {@value #ADMIN_USER} and {@value
 * #VIEWER_USER}: a browser shows its login prompt (the challenge is Basic) and sends them.
 */
final class TokenAuthorizer implements Authorizer {
  static final String ADMIN_USER = "admin";
  static final String VIEWER_USER = "viewer";

  private final BearerTokenAuthorizer bearer;
  private final BasicAuthorizer basic;

  private TokenAuthorizer(BearerTokenAuthorizer bearer, BasicAuthorizer basic) {
    this.bearer = bearer;
    this.basic = basic;
  }

  /** The authorizer for the tokens {@code options} give; call only when it has one. */
  static TokenAuthorizer of(DashboardOptions options) {
    BearerTokenAuthorizer.Builder bearer = BearerTokenAuthorizer.builder();
    BasicAuthorizer.Builder basic = BasicAuthorizer.builder();
    if (options.apiToken() != null) {
      bearer.token(options.apiToken(), ADMIN_USER, Role.ADMIN);
      basic.user(ADMIN_USER, BasicAuthorizer.hash(options.apiToken()), Role.ADMIN);
    }
    if (options.readOnlyToken() != null) {
      bearer.token(options.readOnlyToken(), VIEWER_USER, Role.READ_ONLY);
      basic.user(VIEWER_USER, BasicAuthorizer.hash(options.readOnlyToken()), Role.READ_ONLY);
    }
    return new TokenAuthorizer(bearer.build(), basic.build());
  }

  @Override
  public Optional<Principal> authorize(HttpRequest request) {
    Optional<Principal> principal = bearer.authorize(request);
    return principal.isPresent() ? principal : basic.authorize(request);
  }

  /** Basic, so that a browser asks for a user and password instead of showing a bare 401. */
  @Override
  public String challenge() {
    return basic.challenge();
  }

  @Override
  public String toString() {
    return "bearer or basic tokens";
  }
}
