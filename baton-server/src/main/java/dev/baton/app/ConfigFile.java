package dev.baton.app;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.baton.app.cli.BatonCli;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The settings of a {@code --config} file: Java properties, or YAML when the name ends in {@code
 * .yml} or {@code .yaml}. Both use the option names as flat keys ({@code workers=8}, {@code
 * workers: 8}), optionally under {@code baton.} (properties) or a top-level {@code baton:} map
 * (YAML). In YAML, {@code queues} and {@code public-origin} may also be lists. Every problem is an
 * {@link IllegalArgumentException} whose message is one line naming the file and the key.
 */
final class ConfigFile {
  /** The settings whose value is a comma-separated list, so YAML may give them as a list. */
  static final List<String> LISTS = List.of("queues", "public-origin");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private ConfigFile() {}

  /** Whether {@code file} is read as YAML (by its extension). */
  static boolean isYaml(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".yml") || name.endsWith(".yaml");
  }

  /** The file's settings by option name, each one of {@code known}. */
  static Map<String, String> load(Path file, List<String> known) {
    if (!Files.exists(file)) {
      throw new IllegalArgumentException("--config: no file " + file.toAbsolutePath());
    }
    if (Files.isDirectory(file) || !Files.isReadable(file)) {
      throw bad(file, "cannot read it (a directory, or no permission)");
    }
    Map<String, String> raw = isYaml(file) ? yaml(file) : properties(file);
    Map<String, String> settings = new LinkedHashMap<>();
    raw.forEach(
        (key, value) -> {
          String name = key.startsWith("baton.") ? key.substring("baton.".length()) : key;
          if (!known.contains(name)) {
            throw bad(file, "unknown setting '" + key + "'" + didYouMean(name, known));
          }
          settings.put(name, value.strip());
        });
    return settings;
  }

  private static Map<String, String> properties(Path file) {
    Properties properties = new Properties();
    try (Reader reader = open(file)) {
      properties.load(reader);
    } catch (IOException | IllegalArgumentException e) {
      throw bad(file, "cannot read it as properties: " + oneLine(e.getMessage()));
    }
    Map<String, String> settings = new LinkedHashMap<>();
    for (String key : properties.stringPropertyNames()) {
      settings.put(key, properties.getProperty(key));
    }
    return settings;
  }

  private static Map<String, String> yaml(Path file) {
    JsonNode root;
    try (Reader reader = open(file)) {
      root = YAML.readTree(reader);
    } catch (JacksonException e) {
      throw bad(file, "not valid YAML: " + oneLine(e.getOriginalMessage()) + at(e));
    } catch (IOException e) {
      throw bad(file, "cannot read it: " + oneLine(e.getMessage()));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return Map.of();
    }
    if (root.size() == 1 && root.has("baton") && root.get("baton").isObject()) {
      root = root.get("baton");
    }
    if (!root.isObject()) {
      throw bad(file, "must be a map of settings such as 'workers: 8'");
    }
    Map<String, String> settings = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      settings.put(field.getKey(), scalar(file, field.getKey(), field.getValue()));
    }
    return settings;
  }

  /** A YAML value as the text the option would take; maps, and lists where none fits, refused. */
  private static String scalar(Path file, String key, JsonNode value) {
    String name = key.startsWith("baton.") ? key.substring("baton.".length()) : key;
    if (value.isValueNode() && !value.isNull()) {
      return value.asText();
    }
    if (value.isArray() && LISTS.contains(name)) {
      List<String> items = new ArrayList<>();
      for (JsonNode item : value) {
        if (!item.isValueNode() || item.isNull()) {
          throw bad(file, "'" + key + "' must be a list of texts, got an item " + kind(item));
        }
        items.add(item.asText());
      }
      return String.join(",", items);
    }
    String expected = LISTS.contains(name) ? "a text or a list" : "a single value";
    throw bad(file, "'" + key + "' must be " + expected + ", got " + kind(value));
  }

  private static String kind(JsonNode value) {
    if (value.isNull()) {
      return "no value";
    }
    return value.isArray() ? "a list" : "a map";
  }

  private static Reader open(Path file) throws IOException {
    return Files.newBufferedReader(file, StandardCharsets.UTF_8);
  }

  /** "(did you mean 'storage'?)" for a key close to a known one, else the known keys. */
  static String didYouMean(String typed, List<String> known) {
    return known.stream()
        .filter(k -> BatonCli.distance(k, typed) <= 2)
        .min(Comparator.comparingInt(k -> BatonCli.distance(k, typed)))
        .map(k -> " (did you mean '" + k + "'?)")
        .orElse(" (known: " + String.join(", ", known) + ")");
  }

  private static String at(JacksonException e) {
    return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
  }

  private static String oneLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("").strip();
  }

  private static IllegalArgumentException bad(Path file, String problem) {
    return new IllegalArgumentException("--config: " + file + ": " + problem);
  }
}
