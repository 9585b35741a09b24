package dev.baton.dashboard.api;

import dev.baton.dashboard.http.Call;
import dev.baton.dashboard.http.HttpRequest;
import dev.baton.dashboard.http.HttpResponse;
import dev.baton.storage.JobCursor;
import dev.baton.storage.JobPage;
import dev.baton.storage.JobSearch;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code GET /api/v1/jobs}: a keyset-paged, filtered list of jobs, newest state change first. */
public final class JobsApi {
  public static final int DEFAULT_LIMIT = 50;

  private final Backend backend;

  public JobsApi(Backend backend) {
    this.backend = backend;
  }

  public HttpResponse list(Call call) {
    JobPage page = backend.monitor().searchJobs(search(call.request()));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("items", page.items().stream().map(JobViews::summary).toList());
    body.put("next", page.next() == null ? null : page.next().toString());
    body.put("scanned", page.scanned());
    return backend.json().response(200, body);
  }

  static JobSearch search(HttpRequest request) {
    int limit = Params.limit(request, "limit", DEFAULT_LIMIT, 1, JobSearch.MAX_LIMIT);
    JobCursor after =
        request.param("after").filter(s -> !s.isBlank()).map(JobsApi::cursor).orElse(null);
    return filter(
            request.param("state").orElse(null),
            request.param("queue").orElse(null),
            request.param("type").orElse(null),
            request.param("q").orElse(null),
            request.param("from").orElse(null),
            request.param("to").orElse(null),
            limit)
        .after(after);
  }

  /** A first-page search from filter values as text (query parameters or a bulk filter). */
  static JobSearch filter(
      String state, String queue, String type, String q, String from, String to, int limit) {
    try {
      return new JobSearch(
          Params.state("state", state),
          queue,
          type,
          q,
          from == null || from.isBlank() ? null : Params.instant("from", from),
          to == null || to.isBlank() ? null : Params.instant("to", to),
          null,
          limit,
          Math.max(limit, JobSearch.DEFAULT_SCAN_LIMIT));
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest(e.getMessage()).exception();
    }
  }

  private static JobCursor cursor(String token) {
    try {
      return JobCursor.parse(token);
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest(
              "parameter 'after' must be the 'next' value of a previous page, got '" + token + "'")
          .exception();
    }
  }
}
