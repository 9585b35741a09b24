package dev.baton.dashboard;

import static dev.baton.dashboard.http.Route.delete;
import static dev.baton.dashboard.http.Route.get;
import static dev.baton.dashboard.http.Route.post;
import static dev.baton.dashboard.http.Route.put;

import dev.baton.dashboard.api.Backend;
import dev.baton.dashboard.api.BulkApi;
import dev.baton.dashboard.api.ConcurrencyApi;
import dev.baton.dashboard.api.EnqueueApi;
import dev.baton.dashboard.api.EventsApi;
import dev.baton.dashboard.api.HistoryApi;
import dev.baton.dashboard.api.JobActionsApi;
import dev.baton.dashboard.api.JobApi;
import dev.baton.dashboard.api.JobTypesApi;
import dev.baton.dashboard.api.JobsApi;
import dev.baton.dashboard.api.MeApi;
import dev.baton.dashboard.api.OpenApi;
import dev.baton.dashboard.api.QueuesApi;
import dev.baton.dashboard.api.RecurringApi;
import dev.baton.dashboard.api.ServersApi;
import dev.baton.dashboard.api.StatsApi;
import dev.baton.dashboard.http.Route;
import dev.baton.dashboard.ui.Assets;
import dev.baton.dashboard.ui.Pages;
import java.util.List;

/**
 * The route table: every page, asset and API route, as one list in matching order (literal paths
 * before patterns that would match them too). {@code docs/dashboard-design.md} and {@code
 * openapi.json} describe the same list; a test holds the three together.
 */
final class DashboardRoutes implements AutoCloseable {
  private final List<Route> table;
  private final BulkApi bulk;
  private final EventsApi events;
  private final HistoryApi history;

  DashboardRoutes(Backend b) {
    StatsApi stats = new StatsApi(b);
    this.history = new HistoryApi(b);
    JobsApi jobs = new JobsApi(b);
    EnqueueApi enqueue = new EnqueueApi(b);
    JobApi job = new JobApi(b);
    JobActionsApi actions = new JobActionsApi(b);
    ServersApi servers = new ServersApi(b);
    QueuesApi queues = new QueuesApi(b);
    RecurringApi recurring = new RecurringApi(b);
    ConcurrencyApi concurrency = new ConcurrencyApi(b);
    JobTypesApi types = new JobTypesApi(b);
    MeApi me = new MeApi(b);
    OpenApi openApi = new OpenApi(b);
    Assets assets = new Assets(b.json());
    Pages pages = new Pages(assets, b.json());
    this.bulk = new BulkApi(b);
    this.events = new EventsApi(b, stats);

    this.table =
        List.of(
            get("/", pages::page),
            get("/jobs", pages::page),
            get("/jobs/{id}", pages::page),
            get("/servers", pages::page),
            get("/recurring", pages::page),
            get("/concurrency", pages::page),
            get("/assets/{file}", assets::serve),
            get("/api/v1/stats", stats::stats),
            get("/api/v1/stats/history", history::history),
            get("/api/v1/jobs", jobs::list),
            post("/api/v1/jobs", enqueue::enqueue),
            post("/api/v1/jobs/bulk", bulk::start),
            get("/api/v1/jobs/{id}", job::detail),
            delete("/api/v1/jobs/{id}", actions::delete),
            get("/api/v1/jobs/{id}/logs", job::logs),
            post("/api/v1/jobs/{id}/requeue", actions::requeue),
            post("/api/v1/jobs/{id}/delete", actions::delete),
            post("/api/v1/jobs/{id}/run-now", actions::runNow),
            get("/api/v1/bulk/{bulkId}", bulk::status),
            get("/api/v1/servers", servers::servers),
            get("/api/v1/queues", queues::queues),
            get("/api/v1/recurring", recurring::list),
            put("/api/v1/recurring/{id}", recurring::put),
            delete("/api/v1/recurring/{id}", recurring::remove),
            post("/api/v1/recurring/{id}/trigger", recurring::trigger),
            post("/api/v1/recurring/{id}/pause", recurring::pause),
            post("/api/v1/recurring/{id}/resume", recurring::resume),
            get("/api/v1/concurrency", concurrency::concurrency),
            get("/api/v1/locks", concurrency::locks),
            get("/api/v1/job-types", types::list),
            get("/api/v1/me", me::me),
            get("/api/v1/events", events::events),
            get("/api/v1/openapi.json", openApi::document));
    history.startWarmUp();
  }

  List<Route> table() {
    return table;
  }

  @Override
  public void close() {
    events.close();
    bulk.close();
    history.close();
  }
}
