package dev.baton.opentelemetry;

import dev.baton.client.ClientListener;
import dev.baton.storage.JobSpec;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.function.BiConsumer;

/** Writes the caller's current trace context into a job's headers as it is created. */
final class ContextInjector implements ClientListener {
  private final TextMapPropagator propagator;

  ContextInjector(TextMapPropagator propagator) {
    this.propagator = propagator;
  }

  @Override
  public void onCreating(JobSpec spec, BiConsumer<String, String> headers) {
    // Nothing is written when there is no span: the propagator injects only a valid context.
    propagator.inject(Context.current(), headers, BiConsumer::accept);
  }
}
