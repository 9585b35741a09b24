package dev.baton.dashboard.api;

import dev.baton.dashboard.http.Call;
import dev.baton.dashboard.http.HttpResponse;
import dev.baton.job.JobId;
import dev.baton.storage.JobSearch;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /api/v1/jobs/bulk} starts a background requeue or delete of listed ids or of every
 * job matching a filter (202 with its id); {@code GET /api/v1/bulk/{id}} reads its progress.
 */
public final class BulkApi implements AutoCloseable {
  public static final int MAX_IDS = 10_000;
  private static final Set<String> FIELDS = Set.of("action", "ids", "filter");
  private static final Set<String> FILTER_FIELDS =
      Set.of("state", "queue", "type", "q", "from", "to");

  private final Backend backend;
  private final BulkOperations operations;

  public BulkApi(Backend backend) {
    this.backend = backend;
    this.operations = new BulkOperations(backend);
  }

  public HttpResponse start(Call call) {
    Fields f = Fields.of(backend.json().parse(call.request().body()), "bulk request", FIELDS);
    String action = f.requiredText("action");
    if (!action.equals("requeue") && !action.equals("delete")) {
      throw ApiError.badRequest(
              "field 'action' must be 'requeue' or 'delete', got '" + action + "'")
          .exception();
    }
    if (f.has("ids") == f.has("filter")) {
      throw ApiError.badRequest("give either 'ids' or 'filter'").exception();
    }
    BulkOperations.Target target = f.has("ids") ? ids(f) : matching(f);
    BulkOperation op =
        operations
            .start(call, action, target)
            .orElseThrow(
                () ->
                    ApiError.conflict(
                            backend.config().maxRunningBulk()
                                + " bulk operations are running; wait for one to finish")
                        .exception());
    return backend.json().response(202, Map.of("id", op.id));
  }

  public HttpResponse status(Call call) {
    String id = call.path("bulkId");
    return operations
        .find(id)
        .map(op -> backend.json().response(200, op.view()))
        .orElseThrow(() -> ApiError.notFound("no bulk operation " + id).exception());
  }

  private static BulkOperations.Ids ids(Fields f) {
    List<String> texts = f.texts("ids", MAX_IDS);
    if (texts.isEmpty()) {
      throw ApiError.badRequest("field 'ids' must list at least one job id").exception();
    }
    List<JobId> ids = texts.stream().map(Params::jobId).distinct().toList();
    return new BulkOperations.Ids(ids);
  }

  private BulkOperations.Matching matching(Fields f) {
    Fields filter = Fields.of(f.node("filter"), "bulk filter", FILTER_FIELDS);
    JobSearch search =
        JobsApi.filter(
            filter.text("state"),
            filter.text("queue"),
            filter.text("type"),
            filter.text("q"),
            filter.text("from"),
            filter.text("to"),
            backend.config().bulkBatchSize());
    return new BulkOperations.Matching(
        search, "jobs matching " + backend.json().write(f.node("filter")));
  }

  @Override
  public void close() {
    operations.close();
  }
}
