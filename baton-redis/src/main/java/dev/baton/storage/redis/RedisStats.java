package dev.baton.storage.redis;

import static dev.baton.storage.redis.RedisRows.ceilMicros;
import static dev.baton.storage.redis.RedisRows.micros;
import static dev.baton.storage.redis.RedisRows.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.storage.MinuteStats;
import dev.baton.storage.ServerEvent;
import dev.baton.storage.StatsStorage;
import io.lettuce.core.ScriptOutputType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link StatsStorage} on Redis: a hash per minute ({@code sm:<minute>}, fields {@code s|<type>},
 * {@code f|}, {@code r|}, {@code rm|}, {@code wm|}) with the minutes in a sorted set ({@code sms})
 * for range reads and pruning, and the server events as a capped list ({@code sev}). Key layout:
 * docs/redis.md.
 */
final class RedisStats implements StatsStorage {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ScriptOutputType MULTI = ScriptOutputType.MULTI;
  private static final ScriptOutputType INT = ScriptOutputType.INTEGER;

  private final LuaScripts scripts;

  RedisStats(LuaScripts scripts) {
    this.scripts = scripts;
  }

  @Override
  public void addStats(List<MinuteStats> deltas) {
    if (deltas.isEmpty()) {
      return;
    }
    List<String> args = new ArrayList<>(7 * deltas.size());
    for (MinuteStats d : deltas) {
      args.add(micros(d.minute()));
      args.add(d.type());
      args.add(Long.toString(d.succeeded()));
      args.add(Long.toString(d.failed()));
      args.add(Long.toString(d.retried()));
      args.add(Long.toString(d.runMillis()));
      args.add(Long.toString(d.waitMillis()));
    }
    scripts.run("addstats", INT, args);
  }

  @Override
  public List<MinuteStats> stats(Instant from, Instant to) {
    List<Object> out = scripts.run("stats", MULTI, ceilMicros(from), ceilMicros(to));
    List<MinuteStats> rows = new ArrayList<>();
    for (int i = 0; i + 1 < out.size(); i += 2) {
      Instant minute = RedisRows.instant(text(out.get(i)));
      Map<String, long[]> byType = new HashMap<>();
      List<?> flat = (List<?>) out.get(i + 1);
      for (int k = 0; k + 1 < flat.size(); k += 2) {
        String field = text(flat.get(k));
        int bar = field.indexOf('|');
        int slot =
            switch (field.substring(0, bar)) {
              case "s" -> 0;
              case "f" -> 1;
              case "r" -> 2;
              case "rm" -> 3;
              default -> 4;
            };
        byType.computeIfAbsent(field.substring(bar + 1), t -> new long[5])[slot] =
            Long.parseLong(text(flat.get(k + 1)));
      }
      byType.forEach(
          (type, v) -> rows.add(new MinuteStats(minute, type, v[0], v[1], v[2], v[3], v[4])));
    }
    rows.sort(Comparator.comparing(MinuteStats::minute).thenComparing(MinuteStats::type));
    return rows;
  }

  @Override
  public int pruneStats(Instant before) {
    Long rows = scripts.run("prunestats", INT, ceilMicros(before));
    return rows.intValue();
  }

  @Override
  public void addServerEvent(ServerEvent e) {
    ObjectNode o = JSON.createObjectNode();
    o.put("t", micros(e.at()));
    o.put("k", e.kind().name());
    o.put("s", e.serverId());
    if (e.byServerId() != null) {
      o.put("b", e.byServerId());
    }
    o.put("n", e.jobs());
    o.put("d", e.detail());
    scripts.run("addevent", INT, o.toString(), Integer.toString(KEPT_EVENTS));
  }

  @Override
  public List<ServerEvent> serverEvents(int limit) {
    if (limit < 1 || limit > KEPT_EVENTS) {
      throw new IllegalArgumentException("limit must be 1.." + KEPT_EVENTS + ", got " + limit);
    }
    List<Object> out = scripts.run("events", MULTI, Integer.toString(limit));
    List<ServerEvent> list = new ArrayList<>(out.size());
    for (Object line : out) {
      JsonNode e = RedisRows.tree(text(line));
      JsonNode by = e.get("b");
      list.add(
          new ServerEvent(
              RedisRows.instant(e.get("t").asText()),
              ServerEvent.Kind.valueOf(e.get("k").asText()),
              e.get("s").asText(),
              by == null || by.isNull() ? null : by.asText(),
              e.path("n").asInt(),
              e.path("d").asText("")));
    }
    return list;
  }
}
