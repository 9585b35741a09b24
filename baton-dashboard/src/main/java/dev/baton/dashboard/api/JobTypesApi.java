package dev.baton.dashboard.api;

import dev.baton.concurrency.ConcurrencyLimit;
import dev.baton.concurrency.UniqueJob;
import dev.baton.dashboard.http.Call;
import dev.baton.dashboard.http.HttpResponse;
import dev.baton.job.JobOptions;
import dev.baton.job.JobType;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/job-types}: the types this dashboard can enqueue, with their default options
 * and, for record arguments, the fields (so the UI can offer a form).
 */
public final class JobTypesApi {
  private final Backend backend;

  public JobTypesApi(Backend backend) {
    this.backend = backend;
  }

  public HttpResponse list(Call call) {
    List<Map<String, Object>> types =
        backend.config().jobTypes().values().stream().map(JobTypesApi::type).toList();
    return backend.json().response(200, Map.of("types", types));
  }

  private static Map<String, Object> type(JobType<?> t) {
    JobOptions o = t.options();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", t.name());
    m.put("argsClass", t.argsType().getSimpleName());
    m.put("fields", fields(t.argsType()));
    m.put("queue", o.queue());
    m.put("maxAttempts", o.maxAttempts());
    m.put("limits", o.limits().stream().map(JobTypesApi::limit).toList());
    m.put("unique", unique(o.unique()));
    return m;
  }

  private static List<Map<String, Object>> fields(Class<?> args) {
    if (!args.isRecord()) {
      return List.of();
    }
    return java.util.Arrays.stream(args.getRecordComponents()).map(JobTypesApi::field).toList();
  }

  private static Map<String, Object> field(RecordComponent c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", c.getName());
    m.put("type", c.getType().getSimpleName());
    return m;
  }

  private static Map<String, Object> limit(ConcurrencyLimit l) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", l.kind().name());
    m.put("keyTemplate", l.keyTemplate());
    m.put("limit", l.limit());
    m.put("windowMs", l.window() == null ? null : l.window().toMillis());
    return m;
  }

  private static Map<String, Object> unique(UniqueJob u) {
    if (u == null) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("keyTemplate", u.keyTemplate());
    m.put("hold", u.hold().name());
    m.put("ttlMs", u.ttl() == null ? null : u.ttl().toMillis());
    return m;
  }
}
