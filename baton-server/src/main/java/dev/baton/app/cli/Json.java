package dev.baton.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.baton.job.JobId;
import dev.baton.json.JsonCodec;
import dev.baton.recurring.RecurringJobInfo;
import dev.baton.state.StateEntry;
import dev.baton.storage.BlockInfo;
import dev.baton.storage.JobRecord;
import dev.baton.storage.LogLine;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON shapes of the {@code --json} output; {@link #MAPPER} writes them indented. */
final class Json {
  static final ObjectMapper MAPPER =
      JsonCodec.defaultMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Json() {}

  static Map<String, Object> job(JobRecord j, boolean full) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", j.spec().id().toString());
    m.put("type", j.spec().type());
    m.put("queue", j.spec().queue());
    m.put("state", j.state());
    m.put("attempt", j.attempt());
    m.put("maxAttempts", j.spec().maxAttempts());
    m.put("createdAt", j.createdAt());
    m.put("stateAt", j.stateAt());
    m.put("runAt", j.runAt());
    m.put("owner", j.owner());
    m.put("progress", j.progress());
    m.put("parent", j.spec().parent() == null ? null : j.spec().parent().toString());
    try {
      m.put("args", MAPPER.readTree(j.spec().argsJson()));
    } catch (JsonProcessingException e) {
      m.put("args", j.spec().argsJson());
    }
    if (full) {
      m.put("fencingToken", j.fencingToken());
      m.put("expireAt", j.expireAt());
      m.put("blocked", j.blocked() == null ? null : blocked(j.blocked()));
      m.put("history", j.history().stream().map(Json::entry).toList());
    }
    return m;
  }

  static Map<String, Object> blocked(BlockInfo b) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (b.permit() != null) {
      m.put("kind", b.permit().kind());
      m.put("key", b.permit().key());
      m.put("limit", b.permit().limit());
    } else {
      m.put("kind", "PREVIOUS_RUN");
    }
    m.put("holders", b.holders().stream().map(JobId::toString).toList());
    m.put("position", b.position());
    m.put("since", b.since());
    m.put("wakeAt", b.wakeAt());
    return m;
  }

  static Map<String, Object> entry(StateEntry e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("state", e.state());
    m.put("at", e.at());
    m.put("server", e.serverId());
    m.put("worker", e.worker());
    m.put("reason", e.reason());
    if (e.exception() != null) {
      m.put("exception", e.exception().type() + ": " + e.exception().message());
    }
    return m;
  }

  static Map<String, Object> log(LogLine l) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("at", l.at());
    m.put("level", l.level());
    m.put("message", l.message());
    return m;
  }

  static Map<String, Object> recurring(RecurringJobInfo r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.id());
    m.put("cron", r.definition().cron());
    m.put("zone", r.definition().zone() == null ? null : r.definition().zone().getId());
    m.put("type", r.definition().template().type());
    m.put("queue", r.definition().template().queue());
    m.put("paused", r.paused());
    m.put("nextFireAt", r.nextFireAt());
    m.put("lastFireAt", r.lastFireAt());
    m.put("lastJobId", r.lastJobId() == null ? null : r.lastJobId().toString());
    return m;
  }
}
