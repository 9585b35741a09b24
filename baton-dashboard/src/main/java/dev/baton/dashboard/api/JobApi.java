package dev.baton.dashboard.api;

import dev.baton.dashboard.http.Call;
import dev.baton.dashboard.http.HttpResponse;
import dev.baton.job.JobId;
import dev.baton.storage.JobRecord;
import dev.baton.storage.LogLine;
import dev.baton.storage.LogPage;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** One job: its detail page ({@code GET /api/v1/jobs/{id}}) and its log window. */
public final class JobApi {
  public static final int CONTINUATIONS_SHOWN = 100;
  public static final int DEFAULT_LOG_LINES = 200;
  public static final int MAX_LOG_LINES = 1000;

  private final Backend backend;

  public JobApi(Backend backend) {
    this.backend = backend;
  }

  public HttpResponse detail(Call call) {
    JobId id = Params.jobId(call.path("id"));
    JobRecord r = find(backend, id);
    Instant now = backend.storage().now();
    Map<String, Object> body = JobViews.summary(r);
    body.put("args", backend.json().tree(r.spec().argsJson()));
    body.put("history", r.history().stream().map(JobViews::entry).toList());
    body.put(
        "continuations",
        backend.monitor().continuations(id, CONTINUATIONS_SHOWN).stream()
            .map(JobViews::summary)
            .toList());
    body.put("logCount", backend.monitor().logs(id, -1, 1).total());
    body.put("runMs", JobViews.runMs(r.history(), now));
    body.put("waitMs", JobViews.waitMs(r.history()));
    body.put("concurrency", JobViews.concurrency(r.spec().concurrency()));
    body.put("unique", JobViews.unique(r.spec().unique()));
    body.put("expireAt", r.expireAt());
    return backend.json().response(200, body);
  }

  public HttpResponse logs(Call call) {
    JobId id = Params.jobId(call.path("id"));
    long from = Params.number(call.request(), "from", -1, 0);
    int limit = Params.limit(call.request(), "limit", DEFAULT_LOG_LINES, 1, MAX_LOG_LINES);
    LogPage page = backend.monitor().logs(id, from, limit);
    if (page.total() == 0) {
      find(backend, id); // 404 for an unknown job; a job without lines is an empty page
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("lines", page.lines().stream().map(JobApi::line).toList());
    body.put("from", page.from());
    body.put("total", page.total());
    return backend.json().response(200, body);
  }

  private static Map<String, Object> line(LogLine l) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("at", l.at());
    m.put("level", l.level());
    m.put("message", l.message());
    return m;
  }

  /** The job with its history, or 404. */
  static JobRecord find(Backend backend, JobId id) {
    return backend
        .monitor()
        .job(id)
        .orElseThrow(
            () -> ApiError.notFound("no job " + id + "; it may have been purged").exception());
  }
}
