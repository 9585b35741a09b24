package dev.baton.dashboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.client.EnqueueResult;
import dev.baton.client.JobRequest;
import dev.baton.concurrency.Permit;
import dev.baton.concurrency.UniqueJob;
import dev.baton.dashboard.http.Call;
import dev.baton.dashboard.http.HttpResponse;
import dev.baton.job.JobOptions;
import dev.baton.job.JobType;
import dev.baton.storage.JobSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /api/v1/jobs}: creates a job of a configured type from JSON arguments, with options
 * laid over the type's defaults. 201 when created, 200 when it was a duplicate.
 */
public final class EnqueueApi {
  static final Set<String> FIELDS =
      Set.of(
          "type", "args", "queue", "delayMs", "runAt", "uniqueKey", "maxAttempts", "mutex", "id");
  static final long MAX_DELAY_MS = Duration.ofDays(3660).toMillis();
  static final int MAX_ATTEMPTS = 1000;

  private final Backend backend;

  public EnqueueApi(Backend backend) {
    this.backend = backend;
  }

  public HttpResponse enqueue(Call call) {
    Fields f = Fields.of(backend.json().parse(call.request().body()), "job", FIELDS);
    JobType<?> type = jobType(backend, f.requiredText("type"));
    Object args = args(backend, f.node("args"), type);
    JobRequest request = request(f, type, args);
    EnqueueResult result;
    try {
      result = backend.client().enqueueAll(List.of(request)).get(0);
    } catch (IllegalArgumentException e) {
      throw ApiError.invalidArguments(e.getMessage()).exception();
    }
    backend
        .audit()
        .record(
            call,
            (result.created() ? "enqueue job " : "enqueue (duplicate of) job ")
                + result.id()
                + " of type "
                + type.name());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", result.id().toString());
    body.put("created", result.created());
    body.put("state", result.state().name());
    return backend.json().response(result.created() ? 201 : 200, body);
  }

  /** The configured type named {@code name}, or 422 listing the known ones. */
  static JobType<?> jobType(Backend backend, String name) {
    JobType<?> type = backend.config().jobTypes().get(name);
    if (type == null) {
      throw ApiError.unknownJobType(name, backend.config().jobTypeNames()).exception();
    }
    return type;
  }

  /** {@code node} (absent: {@code {}}) bound to the type's argument class, or 422. */
  static Object args(Backend backend, JsonNode node, JobType<?> type) {
    JsonNode args = node == null ? backend.json().mapper().createObjectNode() : node;
    return backend
        .json()
        .bind(args, type.argsType(), "arguments of job type '" + type.name() + "'");
  }

  private static JobRequest request(Fields f, JobType<?> type, Object args) {
    JobRequest request = typed(type, args).withOptions(options(f));
    if (f.has("id")) {
      request = request.withId(Params.jobId(f.text("id")));
    }
    Long delayMs = f.wholeNumber("delayMs", 0, MAX_DELAY_MS);
    String runAt = f.text("runAt");
    if (delayMs != null && runAt != null) {
      throw ApiError.badRequest("give 'delayMs' or 'runAt', not both").exception();
    }
    if (delayMs != null) {
      request = request.after(Duration.ofMillis(delayMs));
    }
    if (runAt != null) {
      Instant at = Params.instant("runAt", runAt);
      request = request.at(at);
    }
    return request;
  }

  private static JobOptions options(Fields f) {
    JobOptions.Builder o = JobOptions.builder();
    String queue = f.text("queue");
    if (queue != null) {
      if (!JobSpec.isQueueName(queue)) {
        throw ApiError.badRequest(
                "field 'queue' must match " + JobSpec.QUEUE_NAME + ", got '" + queue + "'")
            .exception();
      }
      o.queue(queue);
    }
    Long attempts = f.wholeNumber("maxAttempts", 1, MAX_ATTEMPTS);
    if (attempts != null) {
      o.maxAttempts(attempts.intValue());
    }
    String unique = f.text("uniqueKey");
    String mutex = f.text("mutex");
    for (String key : new String[] {unique, mutex}) {
      if (key != null && (key.isBlank() || key.length() > Permit.MAX_KEY_LENGTH)) {
        throw ApiError.badRequest(
                "fields 'uniqueKey' and 'mutex' must be 1.."
                    + Permit.MAX_KEY_LENGTH
                    + " characters")
            .exception();
      }
    }
    try {
      if (unique != null) {
        o.unique(UniqueJob.byKey(unique));
      }
      if (mutex != null) {
        o.mutex(mutex);
      }
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest(e.getMessage()).exception();
    }
    return o.build();
  }

  @SuppressWarnings("unchecked")
  private static <A> JobRequest typed(JobType<A> type, Object args) {
    return JobRequest.of(type, (A) args);
  }
}
