package io.eventgateway.process;

import io.eventgateway.bus.PersistBatch;
import io.eventgateway.kafka.CloudEventHeaders;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.vertx.core.AsyncResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The processing of a polled batch in the traces of the requests that produced it: for each trace among the
 * batch's events (the {@code traceparent} their records carry; one request's events share one), a {@code process}
 * span under the producer's {@code send} span, and under it the {@code INSERT events} span of the PostgreSQL write.
 * A batch without traced events costs nothing.
 */
final class ProcessingSpans {

  private static final TextMapGetter<String> TRACE_PARENT_GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(String traceParent) {
      return Set.of(CloudEventHeaders.TRACE_PARENT);
    }

    @Override
    public String get(String traceParent, String key) {
      return CloudEventHeaders.TRACE_PARENT.equals(key) ? traceParent : null;
    }
  };

  private final List<Span> processSpans;
  private final List<Span> writeSpans;

  private ProcessingSpans(List<Span> processSpans, List<Span> writeSpans) {
    this.processSpans = processSpans;
    this.writeSpans = writeSpans;
  }

  /** Starts the spans as the batch goes to PostgreSQL. */
  static ProcessingSpans start(OpenTelemetry openTelemetry, List<PersistBatch.Event> events) {
    Map<String, List<PersistBatch.Event>> byTrace = new LinkedHashMap<>();
    for (PersistBatch.Event event : events) {
      if (event.traceParent() != null) {
        byTrace
            .computeIfAbsent(event.traceParent(), parent -> new ArrayList<>())
            .add(event);
      }
    }
    List<Span> processSpans = new ArrayList<>(byTrace.size());
    List<Span> writeSpans = new ArrayList<>(byTrace.size());
    if (byTrace.isEmpty()) {
      return new ProcessingSpans(processSpans, writeSpans);
    }
    Tracer tracer = openTelemetry.getTracer(ProcessingSpans.class.getName());
    TextMapPropagator propagator = openTelemetry.getPropagators().getTextMapPropagator();
    byTrace.forEach((traceParent, traced) -> {
      Context parent = propagator.extract(Context.root(), traceParent, TRACE_PARENT_GETTER);
      Span process = tracer
          .spanBuilder("process " + traced.get(0).topic())
          .setParent(parent)
          .setSpanKind(SpanKind.CONSUMER)
          .setAttribute("messaging.system", "kafka")
          .setAttribute("messaging.destination.name", traced.get(0).topic())
          .setAttribute("messaging.batch.message_count", traced.size())
          .startSpan();
      Span write = tracer
          .spanBuilder("INSERT events")
          .setParent(parent.with(process))
          .setSpanKind(SpanKind.CLIENT)
          .setAttribute("db.system", "postgresql")
          .setAttribute("db.operation.name", "INSERT")
          .setAttribute("db.collection.name", "events")
          .setAttribute("db.operation.batch.size", events.size())
          .startSpan();
      processSpans.add(process);
      writeSpans.add(write);
    });
    return new ProcessingSpans(processSpans, writeSpans);
  }

  /** Ends the spans once the write is confirmed (or has failed: the batch will come again, uncommitted). */
  void end(AsyncResult<?> written) {
    for (int i = 0; i < processSpans.size(); i++) {
      if (written.failed()) {
        writeSpans
            .get(i)
            .setStatus(StatusCode.ERROR, String.valueOf(written.cause().getMessage()));
        processSpans.get(i).setStatus(StatusCode.ERROR, "not stored");
      }
      writeSpans.get(i).end();
      processSpans.get(i).end();
    }
  }
}
