package dev.baton.dashboard.security;

import java.util.Objects;

/**
 * Who is calling, as an {@link Authorizer} decided.
 *
 * @param name shown in the UI and in audit lines, e.g. {@code alice}
 * @param role what the caller may do
 */
public record Principal(String name, Role role) {
  public Principal {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("principal name must not be blank, got '" + name + "'");
    }
    Objects.requireNonNull(role, "role of principal '" + name + "'");
  }

  public boolean isAdmin() {
    return role == Role.ADMIN;
  }
}
