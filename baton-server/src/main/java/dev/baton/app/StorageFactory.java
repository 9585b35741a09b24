package dev.baton.app;

import dev.baton.app.AppOptions.StorageKind;
import dev.baton.storage.JobStorage;
import dev.baton.storage.jdbc.JdbcStorage;
import dev.baton.storage.jdbc.JdbcStorageBuilder;
import dev.baton.storage.memory.InMemoryStorage;
import dev.baton.storage.redis.RedisStorage;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opens the storage the command line asks for. The one place that knows every storage module, so
 * adding one is a line here.
 *
 * <p>Besides what the drivers understand, a PostgreSQL URL may carry {@code schema=NAME} (Baton's
 * tables in that schema, created if missing) and a Redis URL {@code ?namespace=NAME} (a key
 * prefix); both are taken out of the URL before it reaches the driver.
 */
public final class StorageFactory {
  /** The storage used without {@code --storage}: H2 files in ./baton-data, survives restarts. */
  static final StorageKind DEFAULT_STORAGE = StorageKind.H2;

  private static final Pattern USER_INFO = Pattern.compile("^(postgres(?:ql)?)://([^/@]*)@(.*)$");

  private StorageFactory() {}

  /** The storage could not be opened: unreachable, refused the login, or failed to migrate. */
  public static final class UnreachableException extends RuntimeException {
    UnreachableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Opens the storage; a bad setting is an {@link IllegalArgumentException}, any other failure an
   * {@link UnreachableException} saying what was tried and what to do.
   */
  public static JobStorage open(AppOptions options) {
    try {
      return openUnchecked(options);
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new UnreachableException(
          "cannot open the storage "
              + describe(options)
              + ": "
              + rootCause(e)
              + " (is it running and reachable? choose another with --storage or BATON_STORAGE)",
          e);
    }
  }

  private static String rootCause(Throwable e) {
    Throwable t = e;
    String message = e.getMessage();
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
      if (t.getMessage() != null) {
        message = t.getMessage();
      }
    }
    String text = message == null ? t.getClass().getSimpleName() : message;
    return text.lines().findFirst().orElse(text).strip();
  }

  private static JobStorage openUnchecked(AppOptions options) {
    return switch (options.storage()) {
      case MEMORY -> new InMemoryStorage();
      case H2 ->
          options.jdbcUrl().startsWith("jdbc:h2:")
              ? JdbcStorage.h2(options.jdbcUrl()).build()
              : JdbcStorage.h2File(options.dataDir()).build();
      case POSTGRES -> {
        Param schema = takeParam(options.jdbcUrl(), "schema");
        JdbcStorageBuilder builder = JdbcStorage.postgres(schema.url());
        if (schema.value() != null) {
          builder.schema(schema.value());
        }
        yield builder.build();
      }
      case REDIS -> {
        Param namespace = takeParam(options.redisUrl(), "namespace");
        RedisStorage.Builder builder = RedisStorage.builder().uri(namespace.url());
        if (namespace.value() != null) {
          builder.namespace(namespace.value());
        }
        yield builder.build();
      }
    };
  }

  /**
   * {@code postgresql://[user[:password]@]host[:port]/db[?params]} as the JDBC URL the driver
   * takes: user and password become parameters.
   */
  static String jdbcUrl(String url) {
    Matcher m = USER_INFO.matcher(url);
    if (!m.matches()) {
      return "jdbc:postgresql://" + url.substring(url.indexOf("://") + 3);
    }
    String userInfo = m.group(2);
    String rest = m.group(3);
    List<String> params = new ArrayList<>();
    int colon = userInfo.indexOf(':');
    String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
    if (!user.isEmpty()) {
      params.add("user=" + user);
    }
    if (colon >= 0) {
      params.add("password=" + userInfo.substring(colon + 1));
    }
    String joined = String.join("&", params);
    if (joined.isEmpty()) {
      return "jdbc:postgresql://" + rest;
    }
    return "jdbc:postgresql://" + rest + (rest.contains("?") ? "&" : "?") + joined;
  }

  /** A URL without one of its query parameters, and that parameter's value (or null). */
  record Param(String url, String value) {}

  static Param takeParam(String url, String name) {
    int q = url.indexOf('?');
    if (q < 0) {
      return new Param(url, null);
    }
    int hash = url.indexOf('#', q);
    String query = hash < 0 ? url.substring(q + 1) : url.substring(q + 1, hash);
    String fragment = hash < 0 ? "" : url.substring(hash);
    String value = null;
    List<String> kept = new ArrayList<>();
    for (String part : query.split("&")) {
      if (part.startsWith(name + "=")) {
        value = URLDecoder.decode(part.substring(name.length() + 1), StandardCharsets.UTF_8);
      } else if (!part.isEmpty()) {
        kept.add(part);
      }
    }
    String base = url.substring(0, q);
    return new Param(
        (kept.isEmpty() ? base : base + "?" + String.join("&", kept)) + fragment, value);
  }

  /** What the app prints about the storage it runs on. */
  public static String describe(AppOptions options) {
    return switch (options.storage()) {
      case MEMORY -> "in-memory (jobs are lost when the process ends)";
      case H2 ->
          options.jdbcUrl().startsWith("jdbc:h2:")
              ? "H2 at " + withoutSecrets(options.jdbcUrl())
              : "H2 file database in " + options.dataDir().toAbsolutePath();
      case POSTGRES -> "PostgreSQL at " + withoutSecrets(options.jdbcUrl());
      case REDIS -> "Redis at " + withoutSecrets(options.redisUrl());
    };
  }

  /** The URL without its query (JDBC parameters) and user info (Redis passwords). */
  static String withoutSecrets(String url) {
    String noQuery = url.replaceFirst("\\?.*$", "");
    return noQuery.replaceFirst("//[^/@]*@", "//");
  }
}
