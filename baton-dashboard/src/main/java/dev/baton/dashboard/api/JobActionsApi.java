package dev.baton.dashboard.api;

import dev.baton.dashboard.http.Call;
import dev.baton.dashboard.http.HttpResponse;
import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.JobRecord;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What an admin does to one job: requeue, delete, run now. Each answers {@code {"id",
 * "previousState"}}, 404 for an unknown job and 409 when the job is already where it would go.
 */
public final class JobActionsApi {
  private final Backend backend;

  public JobActionsApi(Backend backend) {
    this.backend = backend;
  }

  public HttpResponse requeue(Call call) {
    JobId id = Params.jobId(call.path("id"));
    Optional<JobState> was = backend.storage().requeue(id, reason(call, "requeued"));
    if (was.isEmpty()) {
      JobApi.find(backend, id);
      throw ApiError.conflict("job " + id + " is already ENQUEUED").exception();
    }
    return done(call, "requeue", id, was.get());
  }

  public HttpResponse delete(Call call) {
    JobId id = Params.jobId(call.path("id"));
    Optional<JobState> was =
        backend.storage().delete(id, reason(call, "deleted"), backend.config().deleteRetention());
    if (was.isEmpty()) {
      JobApi.find(backend, id);
      throw ApiError.conflict("job " + id + " is already DELETED").exception();
    }
    return done(call, "delete", id, was.get());
  }

  /** A SCHEDULED job, or a BLOCKED one waiting for a permit, goes to its queue now. */
  public HttpResponse runNow(Call call) {
    JobId id = Params.jobId(call.path("id"));
    JobRecord job = JobApi.find(backend, id);
    if (job.state() != JobState.SCHEDULED && job.state() != JobState.BLOCKED) {
      throw notWaiting(id, job.state()).exception();
    }
    Optional<JobState> was = backend.storage().requeue(id, reason(call, "run now"));
    if (was.isEmpty()) {
      throw notWaiting(id, JobState.ENQUEUED).exception();
    }
    return done(call, "run-now", id, was.get());
  }

  private static ApiError notWaiting(JobId id, JobState state) {
    return ApiError.conflict(
        "job " + id + " is " + state + "; only SCHEDULED or BLOCKED jobs can be run now");
  }

  private HttpResponse done(Call call, String action, JobId id, JobState was) {
    backend.audit().record(call, action + " job " + id + " (was " + was + ")");
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", id.toString());
    body.put("previousState", was.name());
    return backend.json().response(200, body);
  }

  static String reason(Call call, String what) {
    return what + " from the dashboard by '" + call.principal().name() + "'";
  }
}
