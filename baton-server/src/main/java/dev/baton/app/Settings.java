package dev.baton.app;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a setting comes from, in one precedence: the command line, then the environment ({@code
 * BATON_STORAGE}, {@code BATON_WORKERS}, ...: {@code BATON_} and the option's name in capitals,
 * {@code -} as {@code _}), then the file given by {@code --config} or {@code BATON_CONFIG}
 * (properties, or YAML by its extension: see {@link ConfigFile}), then the default.
 */
public final class Settings {
  /** Every setting of {@code baton server}, by its option name. */
  public static final List<String> SERVER =
      List.of(
          "storage",
          "data-dir",
          "jdbc-url",
          "redis-url",
          "server-id",
          "name",
          "workers",
          "queues",
          "demo",
          "dashboard",
          "bind",
          "port",
          "api-token",
          "read-only-token",
          "public-origin");

  /** The settings the client commands read: where the storage is. */
  public static final List<String> STORAGE =
      List.of("storage", "data-dir", "jdbc-url", "redis-url");

  private Settings() {}

  /**
   * The environment variable of a setting: {@code read-only-token} → {@code BATON_READ_ONLY_TOKEN}.
   */
  static String envName(String setting) {
    return "BATON_" + setting.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /**
   * The settings in {@code wanted} from the three sources, highest precedence first: {@code
   * commandLine} (null values are not given), {@code env}, the config file. A config file key that
   * is no setting at all is an error (a typo would silently do nothing).
   */
  public static Map<String, String> resolve(
      Map<String, String> commandLine,
      String config,
      Map<String, String> env,
      List<String> wanted) {
    Map<String, String> merged = new LinkedHashMap<>();
    String file = config != null ? config : env.get("BATON_CONFIG");
    if (file != null) {
      Map<String, String> fromFile = ConfigFile.load(Path.of(file), SERVER);
      checked(fromFile, "--config: " + file + ": ");
      putAll(merged, normalized(fromFile, wanted));
    }
    Map<String, String> fromEnv = new LinkedHashMap<>();
    for (String setting : wanted) {
      String value = env.get(envName(setting));
      if (value != null && !value.isEmpty()) {
        fromEnv.put(setting, value);
      }
    }
    checked(fromEnv, "environment: ");
    putAll(merged, normalized(fromEnv, wanted));
    Map<String, String> given = new LinkedHashMap<>();
    commandLine.forEach(
        (k, v) -> {
          if (v != null) {
            given.put(k, v);
          }
        });
    putAll(merged, normalized(given, wanted));
    return merged;
  }

  /** {@code name} is {@code server-id}: one setting, so precedence applies to both names. */
  private static Map<String, String> normalized(Map<String, String> source, List<String> wanted) {
    Map<String, String> out = new LinkedHashMap<>();
    source.forEach(
        (k, v) -> {
          if (wanted.contains(k)) {
            out.put(k.equals("name") ? "server-id" : k, v);
          }
        });
    return out;
  }

  /**
   * Checks one source's values on their own, so that a bad value names where it came from ({@code
   * --config: baton.yml: workers must be a positive number, got 'eight'}).
   */
  private static void checked(Map<String, String> source, String where) {
    try {
      // Rules that join settings (a non-loopback --bind needs a token) hold for the merged
      // settings only: the token may well come from another source. The dashboard's own value is
      // checked alone, where those rules cannot fire.
      Map<String, String> values = new LinkedHashMap<>(source);
      String dashboard = values.put("dashboard", "false");
      AppOptions.fromSettings(values, false);
      if (dashboard != null) {
        AppOptions.fromSettings(Map.of("dashboard", dashboard), false);
      }
    } catch (IllegalArgumentException e) {
      String message =
          e.getMessage().startsWith("--") ? e.getMessage().substring(2) : e.getMessage();
      throw new IllegalArgumentException(where + message, e);
    }
  }

  private static void putAll(Map<String, String> into, Map<String, String> from) {
    into.putAll(from);
  }
}
