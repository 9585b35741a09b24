package dev.baton.opentelemetry;

import dev.baton.client.ClientListener;
import dev.baton.filter.JobFilter;
import dev.baton.server.BatonServer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.Objects;

/**
 * OpenTelemetry tracing for Baton: the trace context of the code that enqueues a job travels with
 * the job, and each run of the job is a span in that trace, so a request and the jobs it caused
 * appear in one trace.
 *
 * <p>How the context travels: a {@link ClientListener} writes the current context, through the
 * {@link OpenTelemetry} instance's propagator (W3C {@code traceparent} and {@code tracestate} by
 * default), into the job's headers ({@link dev.baton.client.JobMeta#headers}: its meta JSON, which
 * every storage stores and none reads, so no storage changes); a {@link JobFilter} on the server
 * reads it back and runs the handler inside a {@code CONSUMER} span whose parent it is. A job
 * enqueued outside any span stores no header, and its runs are root spans. No static state: give it
 * the application's {@code OpenTelemetry}.
 *
 * <pre>{@code
 * BatonTracing tracing = BatonTracing.create(openTelemetry);
 * BatonClient client = BatonClient.builder(storage).listener(tracing.clientListener()).build();
 * BatonServer server = tracing.install(BatonServer.builder(storage)).handle(...).build();
 * }</pre>
 */
public final class BatonTracing {
  /** The instrumentation scope name of Baton's spans. */
  public static final String SCOPE = "dev.baton";

  private final ClientListener client;
  private final JobFilter filter;

  private BatonTracing(OpenTelemetry openTelemetry) {
    TextMapPropagator propagator = openTelemetry.getPropagators().getTextMapPropagator();
    Tracer tracer = openTelemetry.getTracer(SCOPE);
    this.client = new ContextInjector(propagator);
    this.filter = new TracingFilter(tracer, propagator);
  }

  public static BatonTracing create(OpenTelemetry openTelemetry) {
    return new BatonTracing(Objects.requireNonNull(openTelemetry, "openTelemetry"));
  }

  /** Stores the current trace context with each job a client creates. */
  public ClientListener clientListener() {
    return client;
  }

  /**
   * Runs each job's handler in a span that continues the stored context. Add it before filters
   * whose work should be inside the span (such as the MDC filter).
   */
  public JobFilter jobFilter() {
    return filter;
  }

  /** Adds {@link #jobFilter()} to a server being built. */
  public BatonServer.Builder install(BatonServer.Builder server) {
    return server.filter(filter);
  }
}
