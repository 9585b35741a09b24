package dev.baton.dashboard.security;

/** What a caller may do. */
public enum Role {
  /** GET requests only: every state-changing request is refused with 403. */
  READ_ONLY,
  /** Everything. */
  ADMIN;

  /** How the role reads in the API and in audit lines: {@code read-only}, {@code admin}. */
  public String label() {
    return this == ADMIN ? "admin" : "read-only";
  }
}
