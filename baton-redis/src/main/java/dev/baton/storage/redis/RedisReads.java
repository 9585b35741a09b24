package dev.baton.storage.redis;

import static dev.baton.storage.redis.RedisRows.instant;
import static dev.baton.storage.redis.RedisRows.text;

import dev.baton.job.JobId;
import dev.baton.storage.JobCursor;
import dev.baton.storage.JobPage;
import dev.baton.storage.JobRecord;
import dev.baton.storage.JobSearch;
import dev.baton.storage.LogPage;
import dev.baton.storage.UniqueHold;
import io.lettuce.core.ScriptOutputType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The dashboard's reads of {@link dev.baton.storage.JobMonitor} that page or window: keyset job
 * search (search.lua), one job without its log, log windows, continuations and held uniqueness
 * keys. Each is one script whose cost is bounded by its limits, not by the number of stored jobs.
 */
final class RedisReads {
  private static final ScriptOutputType MULTI = ScriptOutputType.MULTI;

  /**
   * Most candidates one search reads, whatever its scan limit: Redis runs one script at a time, and
   * 10,000 candidates with a filter cost it some 10-25 ms. A page that stops here is short and
   * carries its cursor, as {@link JobSearch} allows.
   */
  static final int MAX_SCAN = 10_000;

  private final LuaScripts scripts;

  RedisReads(LuaScripts scripts) {
    this.scripts = scripts;
  }

  /**
   * Times go to the script as whole microseconds, the stored precision: a cursor from this storage
   * is exact; a bound with nanoseconds below that is rounded so that the same jobs pass it.
   */
  JobPage search(JobSearch q) {
    String afterAt = "";
    String afterId = "";
    JobCursor c = q.after();
    if (c != null) {
      if (c.stateAt().getNano() % 1_000 == 0) {
        afterAt = RedisRows.micros(c.stateAt());
        afterId = c.id().toString();
      } else {
        // Every job of the cursor's microsecond is older than the cursor: score < floor + 1.
        afterAt = Long.toString(Long.parseLong(RedisRows.micros(c.stateAt())) + 1);
      }
    }
    List<Object> out =
        scripts.run(
            "search",
            MULTI,
            q.state() == null ? "" : q.state().name(),
            text(q.queue()),
            text(q.type()),
            text(q.text()),
            RedisRows.ceilMicros(q.from()),
            RedisRows.ceilMicros(q.to()),
            afterAt,
            afterId,
            Integer.toString(q.limit()),
            Integer.toString(Math.min(q.scanLimit(), MAX_SCAN)));
    List<JobRecord> items = new ArrayList<>(out.size() - 3);
    for (int i = 3; i < out.size(); i++) {
      items.add(summary((List<?>) out.get(i)));
    }
    String nextAt = text(out.get(0));
    JobCursor next =
        nextAt.isEmpty() ? null : new JobCursor(instant(nextAt), JobId.parse(text(out.get(1))));
    return new JobPage(items, next, ((Long) out.get(2)).intValue());
  }

  Optional<JobRecord> job(JobId id) {
    List<Object> out = scripts.run("find", MULTI, id.toString(), "0");
    if (out == null || out.isEmpty() || out.get(0) == null) {
      return Optional.empty();
    }
    return Optional.of(
        RedisRows.record(
            RedisRows.hash(out.get(0)), List.of(), (List<?>) out.get(2), text(out.get(3)), true));
  }

  LogPage logs(JobId id, long from, int limit) {
    checkLimit(limit);
    List<Object> out =
        scripts.run(
            "logs",
            MULTI,
            id.toString(),
            Long.toString(Math.max(-1, from)),
            Integer.toString(limit));
    return new LogPage(RedisRows.logs((List<?>) out.get(2)), (Long) out.get(1), (Long) out.get(0));
  }

  List<JobRecord> continuations(JobId parent, int limit) {
    checkLimit(limit);
    List<Object> out = scripts.run("kids", MULTI, parent.toString(), Integer.toString(limit));
    List<JobRecord> list = new ArrayList<>(out.size());
    for (Object o : out) {
      list.add(summary((List<?>) o));
    }
    return list;
  }

  List<UniqueHold> uniqueKeys(int limit) {
    checkLimit(limit);
    List<Object> out = scripts.run("uniques", MULTI, Integer.toString(limit));
    List<UniqueHold> list = new ArrayList<>(out.size() / 3);
    for (int i = 0; i + 2 < out.size(); i += 3) {
      list.add(
          new UniqueHold(
              text(out.get(i)), JobId.parse(text(out.get(i + 1))), instant(text(out.get(i + 2)))));
    }
    return list;
  }

  /** A {job hash, block info} row: the record without history or logs. */
  private static JobRecord summary(List<?> row) {
    return RedisRows.record(RedisRows.hash(row.get(0)), null, (List<?>) row.get(1), null, false);
  }

  private static void checkLimit(int limit) {
    if (limit < 1 || limit > 1_000) {
      throw new IllegalArgumentException("limit must be 1..1000, got " + limit);
    }
  }
}
