package dev.baton.opentelemetry;

import dev.baton.client.JobMeta;
import dev.baton.filter.JobFilter;
import dev.baton.filter.PerformChain;
import dev.baton.filter.PerformContext;
import dev.baton.json.JsonCodec;
import dev.baton.storage.JobSpec;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.Map;

/**
 * Runs each handler inside a {@code CONSUMER} span named {@code job <type>}, child of the context
 * stored with the job (a root span if none), current while the handler runs so its own spans nest
 * under it. A run that throws records the exception and ends with status ERROR.
 */
final class TracingFilter implements JobFilter {
  static final AttributeKey<String> JOB_ID = AttributeKey.stringKey("baton.job.id");
  static final AttributeKey<String> JOB_TYPE = AttributeKey.stringKey("baton.job.type");
  static final AttributeKey<String> QUEUE = AttributeKey.stringKey("baton.job.queue");
  static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("baton.job.attempt");
  static final AttributeKey<String> SERVER = AttributeKey.stringKey("baton.server.id");

  private static final TextMapGetter<Map<String, String>> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
          return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
          return carrier == null ? null : carrier.get(key);
        }
      };

  private final Tracer tracer;
  private final TextMapPropagator propagator;
  private final JsonCodec json = new JsonCodec();

  TracingFilter(Tracer tracer, TextMapPropagator propagator) {
    this.tracer = tracer;
    this.propagator = propagator;
  }

  @Override
  public void aroundPerform(PerformContext context, PerformChain next) throws Exception {
    JobSpec spec = context.spec();
    Map<String, String> headers = JobMeta.headers(json, spec);
    // Context.root(), not current(): a worker thread's leftover context must not become the parent.
    Context parent =
        headers.isEmpty() ? Context.root() : propagator.extract(Context.root(), headers, HEADERS);
    Span span =
        tracer
            .spanBuilder("job " + spec.type())
            .setParent(parent)
            .setSpanKind(SpanKind.CONSUMER)
            .setAttribute(JOB_ID, spec.id().toString())
            .setAttribute(JOB_TYPE, spec.type())
            .setAttribute(QUEUE, spec.queue())
            .setAttribute(ATTEMPT, (long) context.job().attempt())
            .setAttribute(SERVER, context.job().serverId())
            .startSpan();
    try (Scope ignored = span.makeCurrent()) {
      next.proceed();
    } catch (Exception | Error e) {
      span.recordException(e);
      span.setStatus(StatusCode.ERROR, e.toString());
      throw e;
    } finally {
      span.end();
    }
  }
}
