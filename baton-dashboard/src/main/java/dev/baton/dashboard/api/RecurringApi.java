package dev.baton.dashboard.api;

import dev.baton.dashboard.http.Call;
import dev.baton.dashboard.http.HttpResponse;
import dev.baton.job.JobOptions;
import dev.baton.job.JobType;
import dev.baton.recurring.MisfirePolicy;
import dev.baton.recurring.OverlapPolicy;
import dev.baton.recurring.RecurringJob;
import dev.baton.recurring.RecurringOptions;
import dev.baton.storage.CreateResult;
import dev.baton.storage.JobRecord;
import dev.baton.storage.JobSpec;
import dev.baton.storage.RecurringRecord;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Recurring jobs: list, add or update, trigger now, pause, resume, remove. */
public final class RecurringApi {
  private static final Set<String> FIELDS =
      Set.of("cron", "type", "args", "zone", "misfire", "overlap", "queue");

  private final Backend backend;

  public RecurringApi(Backend backend) {
    this.backend = backend;
  }

  public HttpResponse list(Call call) {
    List<Map<String, Object>> all =
        backend.storage().recurringJobs().stream().map(this::view).toList();
    return backend.json().response(200, Map.of("recurring", all));
  }

  public HttpResponse put(Call call) {
    String id = id(call);
    Fields f = Fields.of(backend.json().parse(call.request().body()), "recurring job", FIELDS);
    String cron = f.requiredText("cron");
    JobType<?> type = EnqueueApi.jobType(backend, f.requiredText("type"));
    Object args = EnqueueApi.args(backend, f.node("args"), type);
    RecurringOptions options = options(f);
    boolean existed = record(id) != null;
    try {
      save(id, cron, type, args, options);
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest(e.getMessage()).exception();
    }
    backend.audit().record(call, (existed ? "update" : "add") + " recurring job '" + id + "'");
    return backend.json().response(existed ? 200 : 201, view(record(id)));
  }

  public HttpResponse trigger(Call call) {
    String id = known(call);
    CreateResult result =
        backend.recurring().triggerNow(id).orElseThrow(() -> notFound(id).exception());
    backend.audit().record(call, "trigger recurring job '" + id + "' (job " + result.id() + ")");
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", id);
    body.put("jobId", result.id().toString());
    body.put("created", result.created());
    body.put("state", result.state().name());
    return backend.json().response(200, body);
  }

  public HttpResponse pause(Call call) {
    return setPaused(call, true);
  }

  public HttpResponse resume(Call call) {
    return setPaused(call, false);
  }

  public HttpResponse remove(Call call) {
    String id = id(call);
    if (!backend.recurring().remove(id)) {
      throw notFound(id).exception();
    }
    backend.audit().record(call, "remove recurring job '" + id + "'");
    return backend.json().response(200, Map.of("id", id, "removed", true));
  }

  private HttpResponse setPaused(Call call, boolean paused) {
    String id = known(call);
    boolean done = paused ? backend.recurring().pause(id) : backend.recurring().resume(id);
    if (!done) {
      throw notFound(id).exception();
    }
    backend.audit().record(call, (paused ? "pause" : "resume") + " recurring job '" + id + "'");
    return backend.json().response(200, view(record(id)));
  }

  private Map<String, Object> view(RecurringRecord r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.id());
    try {
      RecurringJob d = RecurringJob.fromJson(r.definitionJson());
      m.put("cron", d.cron());
      m.put("zone", d.zone().getId());
      m.put("type", d.template().type());
      m.put("queue", d.template().queue());
      m.put("args", backend.json().tree(d.template().argsJson()));
      m.put("misfire", d.misfire().name());
      m.put("overlap", d.overlap().name());
    } catch (RuntimeException unreadable) {
      m.put("error", "unreadable definition: " + unreadable.getMessage());
    }
    m.put("paused", r.paused());
    m.put("nextFireAt", r.nextFireAt());
    m.put("lastFireAt", r.lastFireAt());
    m.put("lastJobId", JobViews.id(r.lastJobId()));
    m.put(
        "lastJobState",
        r.lastJobId() == null
            ? null
            : backend
                .monitor()
                .job(r.lastJobId())
                .map(JobRecord::state)
                .map(Enum::name)
                .orElse(null));
    return m;
  }

  private RecurringOptions options(Fields f) {
    RecurringOptions.Builder o = RecurringOptions.builder();
    String zone = f.text("zone");
    if (zone != null) {
      try {
        o.zone(ZoneId.of(zone));
      } catch (DateTimeException e) {
        throw ApiError.badRequest(
                "field 'zone' must be a time zone such as Europe/Paris, got '" + zone + "'")
            .exception();
      }
    }
    String misfire = f.text("misfire");
    if (misfire != null) {
      o.misfire(constant(MisfirePolicy.class, "misfire", misfire));
    }
    String overlap = f.text("overlap");
    if (overlap != null) {
      o.overlap(constant(OverlapPolicy.class, "overlap", overlap));
    }
    String queue = f.text("queue");
    if (queue != null) {
      if (!JobSpec.isQueueName(queue)) {
        throw ApiError.badRequest(
                "field 'queue' must match " + JobSpec.QUEUE_NAME + ", got '" + queue + "'")
            .exception();
      }
      o.jobOptions(JobOptions.builder().queue(queue).build());
    }
    return o.build();
  }

  private static <E extends Enum<E>> E constant(Class<E> type, String field, String text) {
    try {
      return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest(
              "field '"
                  + field
                  + "' must be one of "
                  + Arrays.toString(type.getEnumConstants())
                  + ", got '"
                  + text
                  + "'")
          .exception();
    }
  }

  @SuppressWarnings("unchecked")
  private <A> void save(String id, String cron, JobType<A> type, Object args, RecurringOptions o) {
    backend.recurring().addOrUpdate(id, cron, type, (A) args, o);
  }

  private RecurringRecord record(String id) {
    return backend.storage().recurringJobs().stream()
        .filter(r -> r.id().equals(id))
        .findFirst()
        .orElse(null);
  }

  private String known(Call call) {
    String id = id(call);
    if (record(id) == null) {
      throw notFound(id).exception();
    }
    return id;
  }

  private static String id(Call call) {
    String id = call.path("id");
    if (!RecurringJob.ID.matcher(id).matches()) {
      throw ApiError.badRequest(
              "recurring job id must match " + RecurringJob.ID + ", got '" + id + "'")
          .exception();
    }
    return id;
  }

  private static ApiError notFound(String id) {
    return ApiError.notFound("no recurring job '" + id + "'");
  }
}
