package dev.baton.examples;

import dev.baton.storage.JobStorage;
import dev.baton.storage.jdbc.JdbcStorage;
import dev.baton.storage.jdbc.JdbcStorageBuilder;
import dev.baton.storage.redis.RedisStorage;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens the storage an example runs on, from a URL: {@code --storage=URL}, else the environment
 * variable {@code BATON_STORAGE}, else {@value #DEFAULT_URL}. The same URLs as the {@code baton}
 * command line (docs/cli.md), so an example and {@code ./baton jobs …} can share one storage:
 *
 * <ul>
 *   <li>{@code h2:PATH}: H2 file database in directory PATH (several processes may share it)
 *   <li>{@code postgresql://HOST[:PORT]/DB[?user=U&schema=S]} or {@code jdbc:postgresql://…}
 *   <li>{@code redis://HOST[:PORT][/DB][?namespace=N]}
 * </ul>
 */
public final class ExampleStorage {
  /** Without a URL: H2 files in ./baton-data, the same place {@code ./baton server} uses. */
  public static final String DEFAULT_URL = "h2:./baton-data";

  private ExampleStorage() {}

  /** The URL from {@code --storage}, else {@code BATON_STORAGE}, else the default. */
  public static String url(Options options) {
    String env = System.getenv("BATON_STORAGE");
    String fallback = env == null || env.isBlank() ? DEFAULT_URL : env;
    return options.get("storage", fallback);
  }

  /** Opens the storage at {@code url} (creating Baton's tables or scripts if needed). */
  public static JobStorage open(String url) {
    return open(url, null);
  }

  /**
   * Opens the storage with its calls bounded by {@code longestCall} (null: the storage's defaults,
   * 5 s for JDBC, 2 s for Redis). A server refuses to start when one storage call may take as long
   * as it lets its proof of life age before it cancels its own jobs; a demo with a short server
   * timeout needs short calls too.
   */
  public static JobStorage open(String url, Duration longestCall) {
    if (url.startsWith("h2:")) {
      return jdbc(JdbcStorage.h2File(Path.of(url.substring("h2:".length()))), longestCall);
    }
    if (url.startsWith("jdbc:h2:")) {
      return jdbc(JdbcStorage.h2(url), longestCall);
    }
    if (url.startsWith("postgresql://") || url.startsWith("postgres://")) {
      return postgres("jdbc:postgresql://" + url.substring(url.indexOf("://") + 3), longestCall);
    }
    if (url.startsWith("jdbc:postgresql:")) {
      return postgres(url, longestCall);
    }
    if (url.startsWith("redis://") || url.startsWith("rediss://")) {
      String[] namespace = takeParam(url, "namespace");
      RedisStorage.Builder builder = RedisStorage.builder().uri(namespace[0]);
      if (namespace[1] != null) {
        builder.namespace(namespace[1]);
      }
      if (longestCall != null) {
        builder.commandTimeout(longestCall);
      }
      return builder.build();
    }
    throw new IllegalArgumentException(
        "unknown storage URL '"
            + url
            + "'; use h2:PATH, postgresql://HOST/DB[?schema=S] or redis://HOST[:PORT][/DB]");
  }

  private static JobStorage postgres(String jdbcUrl, Duration longestCall) {
    String[] schema = takeParam(jdbcUrl, "schema");
    JdbcStorageBuilder builder = JdbcStorage.postgres(schema[0]);
    if (schema[1] != null) {
      builder.schema(schema[1]);
    }
    return jdbc(builder, longestCall);
  }

  /** Half of the bound waiting for a connection, half running the statement. */
  private static JobStorage jdbc(JdbcStorageBuilder builder, Duration longestCall) {
    if (longestCall != null) {
      Duration half = longestCall.dividedBy(2);
      builder.connectionTimeout(half).statementTimeout(half);
    }
    return builder.build();
  }

  /** {@code url} without the query parameter {@code name}, and that parameter's value (or null). */
  private static String[] takeParam(String url, String name) {
    int q = url.indexOf('?');
    if (q < 0) {
      return new String[] {url, null};
    }
    String value = null;
    List<String> kept = new ArrayList<>();
    for (String part : url.substring(q + 1).split("&")) {
      if (part.startsWith(name + "=")) {
        value = URLDecoder.decode(part.substring(name.length() + 1), StandardCharsets.UTF_8);
      } else if (!part.isEmpty()) {
        kept.add(part);
      }
    }
    String base = url.substring(0, q);
    return new String[] {kept.isEmpty() ? base : base + "?" + String.join("&", kept), value};
  }

  /** The URL as printed: without user info and query (which may carry passwords). */
  public static String describe(String url) {
    return url.replaceFirst("\\?.*$", "").replaceFirst("//[^/@]*@", "//");
  }
}
