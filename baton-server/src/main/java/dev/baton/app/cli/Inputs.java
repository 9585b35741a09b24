package dev.baton.app.cli;

import static dev.baton.app.cli.BatonCli.EXIT_USAGE;

import dev.baton.job.JobId;
import dev.baton.state.JobState;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Parses what users type: job ids, states, durations and times. */
final class Inputs {
  private static final Pattern DURATION =
      Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);

  private Inputs() {}

  static JobId jobId(String text) {
    try {
      return JobId.parse(text);
    } catch (IllegalArgumentException e) {
      throw new CliException(EXIT_USAGE, "'" + text + "' is not a job id (a UUID)");
    }
  }

  static JobState state(String text) {
    try {
      return JobState.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new CliException(
          EXIT_USAGE,
          "unknown state '"
              + text
              + "': one of "
              + Arrays.stream(JobState.values())
                  .map(s -> s.name().toLowerCase(Locale.ROOT))
                  .collect(Collectors.joining(", ")));
    }
  }

  /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h30m}, {@code 2d}, or ISO {@code PT5M}. */
  static Duration duration(String text) {
    String t = text.strip();
    if (t.toUpperCase(Locale.ROOT).startsWith("P")) {
      try {
        return Duration.parse(t);
      } catch (DateTimeParseException e) {
        // reported below
      }
    } else {
      Matcher m = DURATION.matcher(t);
      Duration total = Duration.ZERO;
      int end = 0;
      while (m.find() && m.start() == end) {
        long n = Long.parseLong(m.group(1));
        total =
            total.plus(
                switch (m.group(2).toLowerCase(Locale.ROOT)) {
                  case "ms" -> Duration.ofMillis(n);
                  case "s" -> Duration.ofSeconds(n);
                  case "m" -> Duration.ofMinutes(n);
                  case "h" -> Duration.ofHours(n);
                  default -> Duration.ofDays(n);
                });
        end = m.end();
      }
      if (end == t.length() && end > 0) {
        return total;
      }
    }
    throw new CliException(
        EXIT_USAGE, "--in: '" + text + "' is not a duration (like 30s, 5m, 1h30m, 2d or PT5M)");
  }

  /** An ISO instant, an offset date-time, or a local date-time in this machine's zone. */
  static Instant time(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      // next form
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      // next form
    }
    try {
      return LocalDateTime.parse(text).atZone(ZoneId.systemDefault()).toInstant();
    } catch (DateTimeParseException e) {
      throw new CliException(
          EXIT_USAGE,
          "--at: '"
              + text
              + "' is not a time (like 2026-12-07T15:00:00Z, 2026-12-07T16:00+01:00 or"
              + " 2026-12-07T15:00 in this machine's zone)");
    }
  }
}
