package io.eventgateway.kafka;

import io.eventgateway.bus.ProduceBatch;
import io.eventgateway.bus.ProduceResult;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The PRODUCER span of one produced batch, and the trace headers its records carry to the processor. */
final class ProduceSpans {

  private final Tracer tracer;
  private final TextMapPropagator propagator;

  ProduceSpans(OpenTelemetry openTelemetry) {
    tracer = openTelemetry.getTracer(RecordSender.class.getName());
    propagator = openTelemetry.getPropagators().getTextMapPropagator();
  }

  /**
   * One span for the batch, under the span current where it is sent: the request's, on its own event loop, or the
   * event-bus message's that carried the batch.
   */
  Span start(List<ProduceBatch.Record> records) {
    String topic = records.get(0).topic();
    return tracer
        .spanBuilder("send " + topic)
        .setSpanKind(SpanKind.PRODUCER)
        .setAttribute("messaging.system", "kafka")
        .setAttribute("messaging.destination.name", topic)
        .setAttribute("messaging.batch.message_count", records.size())
        .startSpan();
  }

  /** The W3C {@code traceparent} (and {@code tracestate}) every record of the batch carries; none when not traced. */
  Map<String, byte[]> headers(Span span) {
    if (!span.getSpanContext().isValid()) {
      return Map.of();
    }
    Map<String, byte[]> headers = new HashMap<>();
    propagator.inject(
        Context.current().with(span),
        headers,
        (carrier, name, value) -> carrier.put(name, value.getBytes(StandardCharsets.UTF_8)));
    return headers;
  }

  static void end(Span span, ProduceResult.Outcome[] outcomes) {
    long refused =
        Arrays.stream(outcomes).filter(outcome -> !outcome.succeeded()).count();
    if (refused > 0) {
      span.setStatus(StatusCode.ERROR, refused + " records not acknowledged");
    }
    span.end();
  }
}
