package dev.baton.dashboard.security;

import dev.baton.dashboard.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code Authorization: Bearer <token>} against a fixed set of tokens, each with a name and role,
 * for scripts and monitoring. Only SHA-256 hashes of the tokens are kept; every token is compared
 * (in constant time), so the time taken says nothing about which one nearly matched.
 *
 * <pre>{@code
 * Authorizer auth = BearerTokenAuthorizer.builder()
 *     .token(System.getenv("BATON_TOKEN"), "ci", Role.ADMIN)
 *     .build();
 * }</pre>
 */
public final class BearerTokenAuthorizer implements Authorizer {
  /** Shortest token accepted: 16 characters. */
  public static final int MIN_TOKEN_LENGTH = 16;

  private final List<Entry> tokens;

  private record Entry(String sha256, Principal principal) {}

  private BearerTokenAuthorizer(Builder b) {
    this.tokens = List.copyOf(b.tokens);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Optional<Principal> authorize(HttpRequest request) {
    Optional<String> header = request.header("Authorization");
    if (header.isEmpty() || !header.get().regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    String presented = Secrets.sha256Hex(header.get().substring(7).trim());
    Principal found = null;
    for (Entry e : tokens) {
      if (Secrets.constantTimeEquals(e.sha256(), presented)) {
        found = e.principal();
      }
    }
    return Optional.ofNullable(found);
  }

  @Override
  public String challenge() {
    return "Bearer realm=\"baton\"";
  }

  /** Collects tokens. */
  public static final class Builder {
    private final List<Entry> tokens = new ArrayList<>();

    private Builder() {}

    /** Adds {@code token}, calling in as {@code name} with {@code role}. */
    public Builder token(String token, String name, Role role) {
      if (token == null || token.length() < MIN_TOKEN_LENGTH) {
        throw new IllegalArgumentException(
            "bearer token of '" + name + "' must be at least " + MIN_TOKEN_LENGTH + " characters");
      }
      tokens.add(new Entry(Secrets.sha256Hex(token), new Principal(name, role)));
      return this;
    }

    public BearerTokenAuthorizer build() {
      if (tokens.isEmpty()) {
        throw new IllegalArgumentException("a BearerTokenAuthorizer needs at least one token");
      }
      return new BearerTokenAuthorizer(this);
    }
  }
}
