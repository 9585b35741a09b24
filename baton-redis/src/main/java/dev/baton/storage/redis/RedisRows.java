package dev.baton.storage.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.BatonException;
import dev.baton.concurrency.Concurrency;
import dev.baton.concurrency.Permit;
import dev.baton.concurrency.ReleasePolicy;
import dev.baton.concurrency.Uniqueness;
import dev.baton.concurrency.WaitPolicy;
import dev.baton.job.JobId;
import dev.baton.state.ExceptionInfo;
import dev.baton.state.JobState;
import dev.baton.state.StateEntry;
import dev.baton.storage.BlockInfo;
import dev.baton.storage.ContinuationCondition;
import dev.baton.storage.JobRecord;
import dev.baton.storage.JobSpec;
import dev.baton.storage.Lease;
import dev.baton.storage.LogLine;
import dev.baton.storage.NewJob;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Translation between the SPI's records and what the Lua scripts read and return: flat argument
 * lists, job hashes, and the compact JSON forms the scripts decode with cjson. Times travel as
 * microseconds since the epoch, as decimal text (cjson would round 16-digit numbers).
 */
final class RedisRows {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Fields per job in a create call; must match NEWJOB in lib.lua. */
  static final int NEW_JOB_FIELDS = 15;

  private RedisRows() {}

  static String micros(Instant at) {
    return Long.toString(
        Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1_000));
  }

  /** The least whole microsecond at or after {@code at}, as text ("" for null): for bounds. */
  static String ceilMicros(Instant at) {
    if (at == null) {
      return "";
    }
    long us = Long.parseLong(micros(at));
    return Long.toString(at.getNano() % 1_000 == 0 ? us : us + 1);
  }

  static String micros(Duration d) {
    return Long.toString(Math.max(0, d.toNanos() / 1_000));
  }

  static Instant instant(Object micros) {
    if (micros == null || "".equals(micros)) {
      return null;
    }
    long us = micros instanceof Long l ? l : Long.parseLong(micros.toString());
    return Instant.ofEpochSecond(
        Math.floorDiv(us, 1_000_000L), Math.floorMod(us, 1_000_000L) * 1_000);
  }

  static String text(Object v) {
    return v == null ? "" : v.toString();
  }

  static String queuesJson(List<String> queues) {
    ArrayNode a = JSON.createArrayNode();
    queues.forEach(a::add);
    return a.toString();
  }

  static List<String> queues(String json) {
    List<String> out = new ArrayList<>();
    tree(json).forEach(n -> out.add(n.asText()));
    return out;
  }

  // ---------------------------------------------------------------- writing jobs

  static void addNewJob(List<String> args, NewJob job) {
    JobSpec s = job.spec();
    Uniqueness u = s.unique();
    args.add(s.id().toString());
    args.add(s.type());
    args.add(s.queue());
    args.add(s.argsJson());
    args.add(s.metaJson());
    args.add(Integer.toString(s.maxAttempts()));
    args.add(s.parent() == null ? "" : s.parent().toString());
    args.add(s.continueOn() == null ? "" : s.continueOn().name());
    args.add(concurrencyJson(s.concurrency()));
    args.add(u == null ? "" : u.key());
    args.add(u == null ? "" : u.hold().name());
    args.add(u == null || u.ttl() == null ? "" : micros(u.ttl()));
    args.add(job.runAt() == null ? "" : micros(job.runAt()));
    args.add(job.delay() == null ? "" : micros(job.delay()));
    args.add(job.reason());
  }

  /** The permits in the form claim.lua checks: {p: [[kind, key, limit, windowMs]], m, mw, ...}. */
  static String concurrencyJson(Concurrency c) {
    if (c == null || c.isEmpty()) {
      return "";
    }
    ObjectNode o = JSON.createObjectNode();
    ArrayNode ps = o.putArray("p");
    for (Permit p : c.permits()) {
      ArrayNode a = ps.addArray();
      a.add(
          switch (p.kind()) {
            case SEMAPHORE -> "S";
            case RATE_FIXED -> "F";
            case RATE_SLIDING -> "L";
          });
      a.add(p.key());
      a.add(p.limit());
      a.add(p.window() == null ? 0 : p.window().toMillis());
    }
    WaitPolicy w = c.waitPolicy();
    o.put("m", w.mode() == WaitPolicy.Mode.WAIT ? "W" : "R");
    o.put("mw", w.maxWait() == null ? 0 : w.maxWait().toMillis());
    o.put("to", w.onTimeout() == WaitPolicy.TimeoutAction.DELETE ? "D" : "F");
    o.put("rd", w.retryDelay() == null ? 0 : w.retryDelay().toMillis());
    o.put("ma", w.maxAttempts());
    o.put("rp", c.releasePolicy() == ReleasePolicy.ON_FINAL ? "F" : "L");
    return o.toString();
  }

  static Permit permit(JsonNode a) {
    String kind = a.get(0).asText();
    String key = a.get(1).asText();
    int limit = a.get(2).asInt();
    Duration window = Duration.ofMillis(a.get(3).asLong());
    return switch (kind) {
      case "S" -> Permit.semaphore(key, limit);
      case "F" -> Permit.rateFixed(key, limit, window);
      default -> Permit.rateSliding(key, limit, window);
    };
  }

  static Permit permit(String json) {
    return permit(tree(json));
  }

  static Concurrency concurrency(String json) {
    if (json == null || json.isEmpty()) {
      return Concurrency.NONE;
    }
    JsonNode o = tree(json);
    List<Permit> permits = new ArrayList<>();
    o.get("p").forEach(a -> permits.add(permit(a)));
    WaitPolicy wait;
    if ("R".equals(o.path("m").asText())) {
      wait = WaitPolicy.reschedule(Duration.ofMillis(o.path("rd").asLong()), o.path("ma").asInt());
    } else if (o.path("mw").asLong() > 0) {
      wait =
          WaitPolicy.waitAtMost(
              Duration.ofMillis(o.path("mw").asLong()),
              "D".equals(o.path("to").asText())
                  ? WaitPolicy.TimeoutAction.DELETE
                  : WaitPolicy.TimeoutAction.FAIL);
    } else {
      wait = WaitPolicy.WAIT;
    }
    ReleasePolicy release =
        "F".equals(o.path("rp").asText())
            ? ReleasePolicy.ON_FINAL
            : ReleasePolicy.ON_LEAVE_PROCESSING;
    return new Concurrency(permits, wait, release);
  }

  static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new BatonException("unreadable data in Redis: " + e.getOriginalMessage(), e);
    }
  }

  // ---------------------------------------------------------------- reading jobs

  static Map<String, String> hash(Object flat) {
    List<?> l = (List<?>) flat;
    Map<String, String> m = new HashMap<>(l.size());
    for (int i = 0; i + 1 < l.size(); i += 2) {
      m.put(l.get(i).toString(), l.get(i + 1).toString());
    }
    return m;
  }

  /** A spec from a job hash or the equivalent fields a claim returns. */
  static JobSpec spec(
      String id,
      String type,
      String queue,
      String args,
      String meta,
      String max,
      String parent,
      String cond,
      String conc,
      String uk,
      String uh,
      String uttl) {
    Uniqueness unique = null;
    if (uk != null && !uk.isEmpty()) {
      Uniqueness.Hold hold = Uniqueness.Hold.valueOf(uh);
      Duration ttl =
          uttl == null || uttl.isEmpty() ? null : Duration.ofNanos(Long.parseLong(uttl) * 1_000);
      unique = new Uniqueness(uk, hold, ttl);
    }
    boolean hasParent = parent != null && !parent.isEmpty();
    return new JobSpec(
        JobId.parse(id),
        type,
        queue,
        args,
        meta,
        Integer.parseInt(max),
        hasParent ? JobId.parse(parent) : null,
        hasParent && cond != null && !cond.isEmpty() ? ContinuationCondition.valueOf(cond) : null,
        concurrency(conc),
        unique);
  }

  static JobSpec spec(Map<String, String> h) {
    return spec(
        h.get("id"),
        h.get("type"),
        h.get("queue"),
        h.get("args"),
        h.get("meta"),
        h.get("max"),
        h.get("parent"),
        h.get("cond"),
        h.get("conc"),
        h.get("uk"),
        h.get("uh"),
        h.get("uttl"));
  }

  /** A job record from its hash, its log lines (JSON) and the block info a script computed. */
  static JobRecord record(
      Map<String, String> h, List<?> logs, List<?> block, String history, boolean full) {
    JobState state = JobState.valueOf(h.get("state"));
    BlockInfo blocked = null;
    if (state == JobState.BLOCKED && h.get("bk") == null && h.get("prs") != null) {
      blocked = previousRun(h);
    } else if (state == JobState.BLOCKED
        && block != null
        && block.size() >= 2
        && h.get("bk") != null) {
      String def = text(block.get(0));
      List<JobId> holders = new ArrayList<>();
      for (int i = 2; i < block.size(); i++) {
        holders.add(JobId.parse(block.get(i).toString()));
      }
      blocked =
          new BlockInfo(
              def.isEmpty() ? Permit.mutex(h.get("bk")) : permit(def),
              holders,
              ((Long) block.get(1)).intValue(),
              instant(h.get("bsince")),
              instant(h.get("bwake")));
    }
    return new JobRecord(
        spec(h),
        state,
        Integer.parseInt(h.getOrDefault("att", "1")),
        Long.parseLong(h.getOrDefault("tok", "0")),
        state == JobState.PROCESSING ? h.get("owner") : null,
        instant(h.get("created")),
        instant(h.get("stateAt")),
        state == JobState.SCHEDULED ? instant(h.get("runAt")) : null,
        instant(h.get("exp")),
        Integer.parseInt(h.getOrDefault("prog", "0")),
        blocked,
        full ? history(history) : List.of(),
        full ? logs(logs) : List.of());
  }

  /** A requeued job waiting, in no key's line, for its revoked run (prs, prt) to end. */
  private static BlockInfo previousRun(Map<String, String> h) {
    Lease run = new Lease(JobId.parse(h.get("id")), h.get("prs"), Long.parseLong(h.get("prt")));
    return BlockInfo.previousRun(run, instant(h.get("bsince")));
  }

  static List<StateEntry> history(String lines) {
    List<StateEntry> out = new ArrayList<>();
    if (lines == null || lines.isEmpty()) {
      return out;
    }
    for (String line : lines.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      JsonNode e = tree(line);
      ExceptionInfo ex =
          e.has("et")
              ? new ExceptionInfo(e.get("et").asText(), emptyToNull(str(e, "em")), str(e, "es"))
              : null;
      out.add(
          new StateEntry(
              JobState.valueOf(e.get("s").asText()),
              instant(e.get("t").asText()),
              str(e, "sv"),
              str(e, "w"),
              str(e, "r"),
              ex));
    }
    return out;
  }

  static List<LogLine> logs(List<?> lines) {
    List<LogLine> out = new ArrayList<>();
    if (lines == null) {
      return out;
    }
    for (Object line : lines) {
      JsonNode e = tree(line.toString());
      out.add(new LogLine(instant(e.get("t").asText()), str(e, "l"), str(e, "m")));
    }
    return out;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static String str(JsonNode o, String field) {
    JsonNode v = o.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
