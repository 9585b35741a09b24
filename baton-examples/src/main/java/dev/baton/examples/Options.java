package dev.baton.examples;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The examples' command line: {@code --name=value} options, {@code --flag} (true), and positional
 * words. Every option read is remembered, so {@link #checkNoneLeft()} can refuse a typo instead of
 * silently ignoring it.
 */
public final class Options {
  private final Map<String, String> values = new LinkedHashMap<>();
  private final List<String> words = new ArrayList<>();
  private final Set<String> read = new TreeSet<>();

  private Options() {}

  /**
   * From now on, an {@link IllegalArgumentException} escaping the calling thread (a bad option, a
   * setting the server refuses) prints {@code error: MESSAGE} and exits with 2; anything else
   * prints its stack trace and exits with 1. Exits at once: storage drivers may leave threads.
   */
  public static void exitOnBadInput() {
    Thread.currentThread()
        .setUncaughtExceptionHandler(
            (thread, e) -> {
              if (e instanceof IllegalArgumentException) {
                System.err.println("error: " + e.getMessage());
                System.err.flush();
                Runtime.getRuntime().halt(2);
              }
              e.printStackTrace();
              System.err.flush();
              Runtime.getRuntime().halt(1);
            });
  }

  public static Options parse(String... args) {
    Options options = new Options();
    for (String arg : args) {
      if (arg.startsWith("--")) {
        int eq = arg.indexOf('=');
        String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
        options.values.put(name, eq < 0 ? "true" : arg.substring(eq + 1));
      } else {
        options.words.add(arg);
      }
    }
    return options;
  }

  /** The positional words (commands, ids), in order. */
  public List<String> words() {
    return words;
  }

  public String get(String name, String fallback) {
    read.add(name);
    return values.getOrDefault(name, fallback);
  }

  public int getInt(String name, int fallback) {
    String value = get(name, null);
    try {
      return value == null ? fallback : Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " takes a number, got '" + value + "'");
    }
  }

  public boolean getBoolean(String name, boolean fallback) {
    String value = get(name, null);
    return value == null ? fallback : Boolean.parseBoolean(value);
  }

  /** A duration as {@code 500ms}, {@code 10s}, {@code 2m} or ISO-8601 ({@code PT10S}). */
  public Duration getDuration(String name, Duration fallback) {
    String value = get(name, null);
    if (value == null) {
      return fallback;
    }
    try {
      if (value.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
      }
      if (value.endsWith("s")) {
        return Duration.ofMillis(
            Math.round(Double.parseDouble(value.substring(0, value.length() - 1)) * 1000));
      }
      if (value.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1)));
      }
      return Duration.parse(value);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "--" + name + " takes a duration such as 500ms, 10s or 2m, got '" + value + "'");
    }
  }

  /** Refuses options that no one read: a typo must not silently do nothing. */
  public void checkNoneLeft() {
    Set<String> unknown = new TreeSet<>(values.keySet());
    unknown.removeAll(read);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown option(s) "
              + unknown
              + "; known here: "
              + read.stream().map(n -> "--" + n).toList());
    }
  }
}
