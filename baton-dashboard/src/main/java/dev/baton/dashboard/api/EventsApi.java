package dev.baton.dashboard.api;

import dev.baton.dashboard.http.Call;
import dev.baton.dashboard.http.HttpResponse;
import dev.baton.job.JobId;

/**
 * {@code GET /api/v1/events}: server-sent events, {@code stats} every second and, with {@code
 * ?job=ID}, {@code job} (state, progress, log count) whenever the job changed.
 */
public final class EventsApi implements AutoCloseable {
  private final Backend backend;
  private final EventHub hub;

  public EventsApi(Backend backend, StatsApi stats) {
    this.backend = backend;
    this.hub = new EventHub(backend, stats::snapshot);
  }

  public HttpResponse events(Call call) {
    JobId job =
        call.request().param("job").filter(s -> !s.isBlank()).map(Params::jobId).orElse(null);
    if (job != null) {
      JobApi.find(backend, job);
    }
    if (hub.isFull()) {
      throw ApiError.tooManyRequests(
              backend.config().maxEventStreams() + " event streams are open; poll /api/v1/stats")
          .exception();
    }
    return HttpResponse.events(stream -> hub.subscribe(stream, job));
  }

  /** How many streams are open (for tests and metrics). */
  public int openStreams() {
    return hub.open();
  }

  @Override
  public void close() {
    hub.close();
  }
}
