package dev.baton.spring;

import dev.baton.dashboard.http.HttpRequest;
import dev.baton.dashboard.security.Authorizer;
import dev.baton.dashboard.security.Principal;
import dev.baton.dashboard.security.Role;
import java.util.Optional;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The dashboard's caller as the application's Spring Security saw them: an authenticated user with
 * the admin authority is {@link Role#ADMIN}, one with the read-only authority {@link
 * Role#READ_ONLY}; anyone else is refused (401). Runs on the request's thread, inside Spring
 * Security's filter chain, so it reads the request's {@code SecurityContext}.
 */
final class SpringSecurityAuthorizer implements Authorizer {
  private final String adminAuthority;
  private final String readOnlyAuthority;

  SpringSecurityAuthorizer(String adminAuthority, String readOnlyAuthority) {
    this.adminAuthority = adminAuthority;
    this.readOnlyAuthority = readOnlyAuthority;
  }

  @Override
  public Optional<Principal> authorize(HttpRequest request) {
    Authentication auth = SecurityContextHolder.getContext().getAuthentication();
    if (auth == null || !auth.isAuthenticated() || auth instanceof AnonymousAuthenticationToken) {
      return Optional.empty();
    }
    boolean admin = false;
    boolean reader = false;
    for (GrantedAuthority a : auth.getAuthorities()) {
      admin |= adminAuthority.equals(a.getAuthority());
      reader |= readOnlyAuthority.equals(a.getAuthority());
    }
    if (admin) {
      return Optional.of(new Principal(auth.getName(), Role.ADMIN));
    }
    return reader ? Optional.of(new Principal(auth.getName(), Role.READ_ONLY)) : Optional.empty();
  }

  @Override
  public String toString() {
    return "SpringSecurity[admin=" + adminAuthority + ", readOnly=" + readOnlyAuthority + "]";
  }
}
