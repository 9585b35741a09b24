package dev.baton.dashboard.api;

import dev.baton.concurrency.Concurrency;
import dev.baton.concurrency.Permit;
import dev.baton.concurrency.Uniqueness;
import dev.baton.concurrency.WaitPolicy;
import dev.baton.job.JobId;
import dev.baton.state.ExceptionInfo;
import dev.baton.state.JobState;
import dev.baton.state.StateEntry;
import dev.baton.storage.BlockInfo;
import dev.baton.storage.JobRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shapes of jobs: JobSummary, BlockInfo, StateEntry, permits and uniqueness. */
final class JobViews {
  private JobViews() {}

  static Map<String, Object> summary(JobRecord r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.spec().id().toString());
    m.put("type", r.spec().type());
    m.put("queue", r.spec().queue());
    m.put("state", r.state().name());
    m.put("attempt", r.attempt());
    m.put("maxAttempts", r.spec().maxAttempts());
    m.put("createdAt", r.createdAt());
    m.put("stateAt", r.stateAt());
    m.put("runAt", r.runAt());
    m.put("owner", r.owner());
    m.put("progress", r.progress());
    m.put("fencingToken", r.fencingToken());
    m.put("parent", id(r.spec().parent()));
    List<StateEntry> h = r.history();
    m.put("reason", h.isEmpty() ? null : h.get(h.size() - 1).reason());
    m.put("blocked", r.blocked() == null ? null : block(r.blocked()));
    return m;
  }

  static Map<String, Object> block(BlockInfo b) {
    if (b.waitsForPreviousRun()) {
      return previousRun(b);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", kind(b.permit()));
    m.put("key", b.permit().key());
    m.put("limit", b.permit().limit());
    m.put("holders", b.holders().stream().map(JobId::toString).toList());
    m.put("position", b.position());
    m.put("since", b.since());
    m.put("wakeAt", b.wakeAt());
    m.put("text", blockText(b));
    return m;
  }

  /** A requeued job that waits until its earlier run, revoked but still in its handler, ends. */
  private static Map<String, Object> previousRun(BlockInfo b) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", "previous-run");
    m.put("key", b.previousRun().serverId());
    m.put("limit", null);
    m.put("holders", b.holders().stream().map(JobId::toString).toList());
    m.put("position", b.position());
    m.put("since", b.since());
    m.put("wakeAt", null);
    m.put("server", b.previousRun().serverId());
    m.put("fencingToken", b.previousRun().token());
    m.put(
        "text",
        "waiting for its previous run (fencing token "
            + b.previousRun().token()
            + ") on server "
            + b.previousRun().serverId()
            + " to end: that run was told to stop and still holds the job's keys");
    return m;
  }

  /** "waiting for mutex video:42, held by job 0190..., 3rd in line". */
  static String blockText(BlockInfo b) {
    Permit p = b.permit();
    StringBuilder s = new StringBuilder("waiting for ");
    switch (p.kind()) {
      case SEMAPHORE ->
          s.append(p.limit() == 1 ? "mutex " : "semaphore ")
              .append(p.key())
              .append(p.limit() == 1 ? "" : " (" + p.limit() + " at once)");
      case RATE_FIXED, RATE_SLIDING ->
          s.append("rate limit ")
              .append(p.key())
              .append(" (")
              .append(p.limit())
              .append(" per ")
              .append(window(p.window()))
              .append(")");
    }
    if (!b.holders().isEmpty()) {
      s.append(", held by job").append(b.holders().size() == 1 ? " " : "s ");
      s.append(String.join(", ", b.holders().stream().map(JobId::toString).toList()));
    }
    if (b.wakeAt() != null) {
      s.append(", window frees at ").append(b.wakeAt());
    }
    return s.append(", ").append(ordinal(b.position())).append(" in line").toString();
  }

  static String ordinal(int n) {
    int mod100 = n % 100;
    String suffix =
        mod100 >= 11 && mod100 <= 13
            ? "th"
            : switch (n % 10) {
              case 1 -> "st";
              case 2 -> "nd";
              case 3 -> "rd";
              default -> "th";
            };
    return n + suffix;
  }

  private static String window(Duration d) {
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }

  static String kind(Permit p) {
    return switch (p.kind()) {
      case SEMAPHORE -> p.limit() == 1 ? "mutex" : "semaphore";
      case RATE_FIXED -> "rate";
      case RATE_SLIDING -> "sliding-rate";
    };
  }

  static Map<String, Object> entry(StateEntry e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("state", e.state().name());
    m.put("at", e.at());
    m.put("serverId", e.serverId());
    m.put("worker", e.worker());
    m.put("reason", e.reason());
    ExceptionInfo x = e.exception();
    if (x == null) {
      m.put("exception", null);
    } else {
      Map<String, Object> ex = new LinkedHashMap<>();
      ex.put("type", x.type());
      ex.put("message", x.message());
      ex.put("stackTrace", x.stackTrace());
      m.put("exception", ex);
    }
    return m;
  }

  static Map<String, Object> permit(Permit p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", kind(p));
    m.put("key", p.key());
    m.put("limit", p.limit());
    m.put("windowMs", p.window() == null ? null : p.window().toMillis());
    return m;
  }

  static Map<String, Object> concurrency(Concurrency c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("permits", c.permits().stream().map(JobViews::permit).toList());
    m.put("waitPolicy", waitPolicy(c.waitPolicy()));
    m.put("releasePolicy", c.releasePolicy().name());
    return m;
  }

  static Map<String, Object> waitPolicy(WaitPolicy w) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mode", w.mode().name());
    m.put("maxWaitMs", w.maxWait() == null ? null : w.maxWait().toMillis());
    m.put("onTimeout", w.onTimeout() == null ? null : w.onTimeout().name());
    m.put("retryDelayMs", w.retryDelay() == null ? null : w.retryDelay().toMillis());
    m.put("maxAttempts", w.mode() == WaitPolicy.Mode.RESCHEDULE ? w.maxAttempts() : null);
    return m;
  }

  static Map<String, Object> unique(Uniqueness u) {
    if (u == null) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("key", u.key());
    m.put("hold", u.hold().name());
    m.put("ttlMs", u.ttl() == null ? null : u.ttl().toMillis());
    return m;
  }

  /**
   * How long the latest run ran: from its PROCESSING entry to the next entry, or to {@code now}.
   */
  static Long runMs(List<StateEntry> history, Instant now) {
    for (int i = history.size() - 1; i >= 0; i--) {
      if (history.get(i).state() == JobState.PROCESSING) {
        Instant end = i + 1 < history.size() ? history.get(i + 1).at() : now;
        return Duration.between(history.get(i).at(), end).toMillis();
      }
    }
    return null;
  }

  /** How long the latest run waited: from the entry before its PROCESSING entry to it. */
  static Long waitMs(List<StateEntry> history) {
    for (int i = history.size() - 1; i >= 1; i--) {
      if (history.get(i).state() == JobState.PROCESSING) {
        return Duration.between(history.get(i - 1).at(), history.get(i).at()).toMillis();
      }
    }
    return null;
  }

  static String id(JobId id) {
    return id == null ? null : id.toString();
  }
}
