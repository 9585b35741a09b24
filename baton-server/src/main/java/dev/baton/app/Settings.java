package dev.baton.app;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Where a setting comes from, in one precedence: the command line, then the environment ({@code
 * BATON_STORAGE}, {@code BATON_WORKERS}, ...: {@code BATON_} and the option's name in capitals,
 * {@code -} as {@code _}), then the properties file given by {@code --config} or {@code
 * BATON_CONFIG} (keys are the option names, {@code storage=...}, optionally prefixed {@code
 * baton.}), then the default.
 */
final class Settings {
  /** Every setting of {@code baton server}, by its option name. */
  static final List<String> SERVER =
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
  static final List<String> STORAGE = List.of("storage", "data-dir", "jdbc-url", "redis-url");

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
  static Map<String, String> resolve(
      Map<String, String> commandLine,
      String config,
      Map<String, String> env,
      List<String> wanted) {
    Map<String, String> merged = new LinkedHashMap<>();
    String file = config != null ? config : env.get("BATON_CONFIG");
    if (file != null) {
      putAll(merged, normalized(load(Path.of(file)), wanted));
    }
    Map<String, String> fromEnv = new LinkedHashMap<>();
    for (String setting : wanted) {
      String value = env.get(envName(setting));
      if (value != null && !value.isEmpty()) {
        fromEnv.put(setting, value);
      }
    }
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

  private static void putAll(Map<String, String> into, Map<String, String> from) {
    into.putAll(from);
  }

  /** The properties file's settings; throws {@link IllegalArgumentException} if it cannot. */
  static Map<String, String> load(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("--config: no file " + file.toAbsolutePath());
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("--config: cannot read " + file + ": " + e.getMessage());
    }
    Map<String, String> settings = new LinkedHashMap<>();
    for (String key : properties.stringPropertyNames()) {
      String name = key.startsWith("baton.") ? key.substring("baton.".length()) : key;
      if (!SERVER.contains(name)) {
        throw new IllegalArgumentException(
            "--config: " + file + " has an unknown setting '" + key + "' (known: " + SERVER + ")");
      }
      settings.put(name, properties.getProperty(key).strip());
    }
    return settings;
  }
}
