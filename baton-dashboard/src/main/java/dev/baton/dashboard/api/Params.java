package dev.baton.dashboard.api;

import dev.baton.dashboard.http.HttpRequest;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Query and path values read strictly: anything malformed is a 400 that names the parameter. */
final class Params {
  private Params() {}

  static int limit(HttpRequest request, String name, int fallback, int min, int max) {
    Optional<String> raw = request.param(name);
    if (raw.isEmpty()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(raw.get().trim());
      if (value < min || value > max) {
        throw bad(name, raw.get(), "a whole number " + min + ".." + max);
      }
      return value;
    } catch (NumberFormatException e) {
      throw bad(name, raw.get(), "a whole number " + min + ".." + max);
    }
  }

  static long number(HttpRequest request, String name, long fallback, long min) {
    Optional<String> raw = request.param(name);
    if (raw.isEmpty()) {
      return fallback;
    }
    try {
      long value = Long.parseLong(raw.get().trim());
      if (value < min) {
        throw bad(name, raw.get(), "a whole number of at least " + min);
      }
      return value;
    } catch (NumberFormatException e) {
      throw bad(name, raw.get(), "a whole number of at least " + min);
    }
  }

  static Instant instant(HttpRequest request, String name) {
    Optional<String> raw = request.param(name).filter(s -> !s.isBlank());
    return raw.map(s -> instant(name, s)).orElse(null);
  }

  static Instant instant(String name, String text) {
    try {
      return Instant.parse(text.trim());
    } catch (DateTimeParseException e) {
      throw bad(name, text, "an ISO-8601 UTC time such as 2026-01-31T12:00:00Z");
    }
  }

  static JobState state(String name, String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return JobState.valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw bad(name, text, "one of " + Arrays.toString(JobState.values()));
    }
  }

  /** A job id from a path segment: malformed is 400. */
  static JobId jobId(String text) {
    try {
      return JobId.parse(text);
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("'" + text + "' is not a job id (a UUID)").exception();
    }
  }

  static ApiException bad(String name, String value, String expected) {
    return ApiError.badRequest(
            "parameter '" + name + "' must be " + expected + ", got '" + value + "'")
        .exception();
  }
}
