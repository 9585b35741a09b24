package dev.baton.app.cli;

import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.BlockInfo;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Collectors;
import picocli.CommandLine.Help.Ansi;

/** The text output: times as "3s ago", coloured states, blocked reasons, fields. */
final class Text {
  private Text() {}

  /** {@code "3s ago"}, {@code "in 5m"}, {@code "just now"}; "-" for null. */
  static String ago(Instant at, Instant now) {
    if (at == null) {
      return "-";
    }
    Duration d = Duration.between(at, now);
    if (d.abs().toMillis() < 1000) {
      return "just now";
    }
    return d.isNegative() ? "in " + duration(d.negated()) : duration(d) + " ago";
  }

  static String duration(Duration d) {
    long s = d.getSeconds();
    if (s < 1) {
      return d.toMillis() + "ms";
    }
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return (s / 60) + "m" + (s % 60 == 0 ? "" : (s % 60) + "s");
    }
    if (s < 86400) {
      return (s / 3600) + "h" + ((s % 3600) / 60 == 0 ? "" : ((s % 3600) / 60) + "m");
    }
    return (s / 86400) + "d" + ((s % 86400) / 3600 == 0 ? "" : ((s % 86400) / 3600) + "h");
  }

  /** A state, in colour when stdout is a terminal (picocli's auto-detection). */
  static String state(JobState s) {
    String colour =
        switch (s) {
          case SUCCEEDED -> "green";
          case FAILED -> "red";
          case PROCESSING -> "cyan";
          case BLOCKED, AWAITING -> "yellow";
          case DELETED -> "faint";
          default -> null;
        };
    return colour == null ? s.name() : Ansi.AUTO.string("@|" + colour + " " + s.name() + "|@");
  }

  static String blocked(BlockInfo b, Instant now) {
    String holders = b.holders().stream().map(JobId::toString).collect(Collectors.joining(", "));
    String what =
        b.permit() == null
            ? "waits for its previous run " + holders
            : kind(b.permit())
                + " '"
                + b.permit().key()
                + "' held by "
                + (holders.isEmpty() ? "nobody" : holders)
                + ", place "
                + b.position()
                + " in line";
    return what
        + ", since "
        + ago(b.since(), now)
        + (b.wakeAt() == null ? "" : ", wakes " + ago(b.wakeAt(), now));
  }

  /** {@code mutex}, {@code semaphore}, {@code rate limit} or {@code sliding rate limit}. */
  static String kind(dev.baton.concurrency.Permit p) {
    return switch (p.kind()) {
      case SEMAPHORE -> p.limit() == 1 ? "mutex" : "semaphore";
      case RATE_FIXED -> "rate limit";
      case RATE_SLIDING -> "sliding rate limit";
    };
  }

  static void field(PrintStream out, String name, String value) {
    out.println("  " + String.format("%-10s", name) + value);
  }

  /** Text without picocli's ANSI escapes, for measuring. */
  static int width(String s) {
    return s.replaceAll("\u001B\\[[;\\d]*m", "").length();
  }
}
