package dev.baton.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.client.BatonClient;
import dev.baton.client.JobMeta;
import dev.baton.job.JobId;
import dev.baton.job.JobType;
import dev.baton.job.RetryBackoff;
import dev.baton.json.JsonCodec;
import dev.baton.server.BatonServer;
import dev.baton.server.BatonServerConfig;
import dev.baton.storage.memory.InMemoryStorage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A request's trace continues into the jobs it enqueued, through a real server in memory. */
class TracingTest {
  record Args(int n) {}

  static final JobType<Args> OK = JobType.of("ok", Args.class);
  static final JobType<Args> BOOM =
      JobType.of("boom", Args.class)
          .withOptions(
              o -> o.maxAttempts(2).retryBackoff(RetryBackoff.fixed(Duration.ofMillis(10))));

  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final InMemoryStorage storage = new InMemoryStorage();
  OpenTelemetrySdk otel;
  BatonClient client;
  BatonServer server;
  final AtomicReference<String> traceInHandler = new AtomicReference<>();

  @BeforeEach
  void setUp() {
    otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    BatonTracing tracing = BatonTracing.create(otel);
    client = BatonClient.builder(storage).listener(tracing.clientListener()).build();
    server =
        tracing
            .install(
                BatonServer.builder(storage)
                    .config(
                        BatonServerConfig.builder()
                            .serverId("tracing-test")
                            .workers(2)
                            .shutdownGrace(Duration.ofMillis(500))
                            .build()))
            .handle(
                OK, (a, ctx) -> traceInHandler.set(Span.current().getSpanContext().getTraceId()))
            .handle(
                BOOM,
                (a, ctx) -> {
                  throw new IllegalStateException("boom");
                })
            .build()
            .start();
  }

  @AfterEach
  void tearDown() {
    server.close();
    otel.close();
  }

  @Test
  void aJobsRunsAreSpansInTheTraceOfTheRequestThatEnqueuedIt() {
    Tracer tracer = otel.getTracer("test");
    Span request = tracer.spanBuilder("POST /videos").setSpanKind(SpanKind.SERVER).startSpan();
    JobId ok;
    JobId boom;
    try (Scope ignored = request.makeCurrent()) {
      ok = client.enqueue(OK, new Args(1)).id();
      boom = client.enqueue(BOOM, new Args(2)).id();
    } finally {
      request.end();
    }
    String trace = request.getSpanContext().getTraceId();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(jobSpans()).hasSize(3)); // ok once, boom twice

    SpanData okRun =
        jobSpans().stream().filter(s -> s.getName().equals("job ok")).findFirst().get();
    assertThat(okRun.getTraceId()).isEqualTo(trace);
    assertThat(okRun.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
    assertThat(okRun.getKind()).isEqualTo(SpanKind.CONSUMER);
    assertThat(okRun.getAttributes().get(TracingFilter.JOB_ID)).isEqualTo(ok.toString());
    assertThat(okRun.getAttributes().get(TracingFilter.QUEUE)).isEqualTo("default");
    assertThat(okRun.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(traceInHandler.get()).as("the span is current in the handler").isEqualTo(trace);

    List<SpanData> boomRuns =
        jobSpans().stream().filter(s -> s.getName().equals("job boom")).toList();
    assertThat(boomRuns)
        .extracting(s -> s.getAttributes().get(TracingFilter.ATTEMPT))
        .containsExactlyInAnyOrder(1L, 2L);
    for (SpanData run : boomRuns) {
      assertThat(run.getTraceId()).isEqualTo(trace);
      assertThat(run.getAttributes().get(TracingFilter.JOB_ID)).isEqualTo(boom.toString());
      assertThat(run.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(run.getEvents()).extracting(e -> e.getName()).contains("exception");
    }
    assertThat(JobMeta.headers(new JsonCodec(), storage.find(ok).orElseThrow().spec()))
        .containsOnlyKeys("traceparent");
  }

  @Test
  void aJobEnqueuedOutsideAnySpanStoresNoHeaderAndRunsAsARootSpan() {
    JobId id = client.enqueue(OK, new Args(3)).id();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(jobSpans()).hasSize(1));
    SpanData run = jobSpans().get(0);
    assertThat(run.getParentSpanContext().isValid()).isFalse();
    assertThat(storage.find(id).orElseThrow().spec().metaJson()).isEqualTo("{}");
  }

  List<SpanData> jobSpans() {
    return spans.getFinishedSpanItems().stream()
        .filter(s -> s.getName().startsWith("job "))
        .toList();
  }
}
