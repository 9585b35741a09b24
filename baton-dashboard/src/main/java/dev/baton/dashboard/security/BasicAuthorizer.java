package dev.baton.dashboard.security;

import dev.baton.dashboard.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * HTTP Basic authentication against users with password hashes and roles.
 *
 * <pre>{@code
 * String hash = BasicAuthorizer.hash("s3cret");     // once, e.g. at deploy time
 * Authorizer auth = BasicAuthorizer.builder().user("alice", hash, Role.ADMIN).build();
 * }</pre>
 *
 * Hashes are PBKDF2-HMAC-SHA256 ({@code pbkdf2-sha256$<iterations>$<salt>$<hash>}); the hash of a
 * password that was checked once is remembered (by a SHA-256 of the header) so a page that makes
 * many API calls does not pay the key derivation on each. Comparisons are constant-time.
 */
public final class BasicAuthorizer implements Authorizer {
  /** PBKDF2 iterations of {@link #hash(String)}. */
  public static final int DEFAULT_ITERATIONS = 60_000;

  private static final int MAX_REMEMBERED = 1_000;

  private final Map<String, User> users;
  private final String realm;
  private final Map<String, Principal> verified = new ConcurrentHashMap<>();

  private record User(String hash, Role role) {}

  private BasicAuthorizer(Builder b) {
    this.users = Map.copyOf(b.users);
    this.realm = b.realm;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A storable hash of {@code password} with a fresh salt. */
  public static String hash(String password) {
    String salt = Secrets.salt();
    return "pbkdf2-sha256$"
        + DEFAULT_ITERATIONS
        + "$"
        + salt
        + "$"
        + derive(password, salt, DEFAULT_ITERATIONS);
  }

  /** Whether {@code password} matches {@code hash} (as written by {@link #hash}). */
  public static boolean matches(String password, String hash) {
    String[] parts = hash.split("\\$");
    if (parts.length != 4 || !parts[0].equals("pbkdf2-sha256")) {
      return false;
    }
    int iterations = Integer.parseInt(parts[1]);
    return Secrets.constantTimeEquals(derive(password, parts[2], iterations), parts[3]);
  }

  private static String derive(String password, String salt, int iterations) {
    try {
      PBEKeySpec spec =
          new PBEKeySpec(
              password.toCharArray(), salt.getBytes(StandardCharsets.UTF_8), iterations, 256);
      byte[] key =
          SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
      return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no PBKDF2WithHmacSHA256", e);
    }
  }

  @Override
  public Optional<Principal> authorize(HttpRequest request) {
    Optional<String> header = request.header("Authorization");
    if (header.isEmpty() || !header.get().regionMatches(true, 0, "Basic ", 0, 6)) {
      return Optional.empty();
    }
    String remembered = Secrets.sha256Hex(header.get());
    Principal known = verified.get(remembered);
    if (known != null) {
      return Optional.of(known);
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(header.get().substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException notBase64) {
      return Optional.empty();
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return Optional.empty();
    }
    String name = decoded.substring(0, colon);
    User user = users.get(name);
    if (user == null || !matches(decoded.substring(colon + 1), user.hash())) {
      return Optional.empty();
    }
    Principal principal = new Principal(name, user.role());
    if (verified.size() < MAX_REMEMBERED) {
      verified.put(remembered, principal);
    }
    return Optional.of(principal);
  }

  @Override
  public String challenge() {
    return "Basic realm=\"" + realm + "\", charset=\"UTF-8\"";
  }

  /** Collects users; each name once. */
  public static final class Builder {
    private final Map<String, User> users = new LinkedHashMap<>();
    private String realm = "baton";

    private Builder() {}

    /** Adds a user with a hash written by {@link BasicAuthorizer#hash}. */
    public Builder user(String name, String passwordHash, Role role) {
      if (name == null || name.isEmpty() || name.indexOf(':') >= 0) {
        throw new IllegalArgumentException(
            "basic-auth user name must be non-empty without ':', got '" + name + "'");
      }
      if (passwordHash == null
          || !passwordHash.startsWith("pbkdf2-sha256$")
          || passwordHash.split("\\$").length != 4) {
        throw new IllegalArgumentException(
            "password hash of user '" + name + "' must come from BasicAuthorizer.hash(password)");
      }
      if (role == null) {
        throw new IllegalArgumentException("role of user '" + name + "' must not be null");
      }
      if (users.putIfAbsent(name, new User(passwordHash, role)) != null) {
        throw new IllegalArgumentException("user '" + name + "' is given twice");
      }
      return this;
    }

    public Builder realm(String realm) {
      if (realm == null || realm.isBlank() || realm.contains("\"")) {
        throw new IllegalArgumentException("realm must be non-blank without quotes, got " + realm);
      }
      this.realm = realm;
      return this;
    }

    public BasicAuthorizer build() {
      if (users.isEmpty()) {
        throw new IllegalArgumentException("a BasicAuthorizer needs at least one user");
      }
      return new BasicAuthorizer(this);
    }
  }
}
