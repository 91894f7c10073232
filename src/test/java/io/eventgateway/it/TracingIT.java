package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * With tracing on, one event is one trace: the HTTP request, the Kafka send on the request's own event loop
 * (whose {@code traceparent} the record carries), the processing and the PostgreSQL write. The SDK exports into
 * memory here; the gateway's own configuration exports over OTLP/HTTP.
 */
@DisplayName("Tracing: one trace from the HTTP request to the PostgreSQL write")
class TracingIT {

  @Test
  @DisplayName(
      "the spans of one posted event form one trace, parent to child, and its Kafka record carries the traceparent")
  void oneTracePerEvent() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
            .build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
    try (GatewayInstance gateway =
        GatewayInstance.start(GatewayInstance.isolated("tracing"), "all", sdk)) {
      JsonObject event = ApiClient.pageView("traced-user");
      ApiClient.Response posted = gateway.api().postEvent(event);
      assertThat(posted.status()).isEqualTo(202);
      JsonObject result = new JsonObject(posted.body()).getJsonArray("results").getJsonObject(0);

      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> exporter.getFinishedSpanItems().stream()
              .anyMatch(span -> span.getName().equals("INSERT events")));
      SpanData insert = exporter.getFinishedSpanItems().stream()
          .filter(span -> span.getName().equals("INSERT events"))
          .findFirst()
          .orElseThrow();
      List<SpanData> trace = exporter.getFinishedSpanItems().stream()
          .filter(span -> span.getTraceId().equals(insert.getTraceId()))
          .toList();
      Map<String, SpanData> byId =
          trace.stream().collect(Collectors.toMap(SpanData::getSpanId, Function.identity()));
      System.out.println("TRACE "
          + trace.stream()
              .map(span -> span.getKind() + " " + span.getName() + " "
                  + (span.getEndEpochNanos() - span.getStartEpochNanos()) / 1_000 + " µs")
              .toList());

      SpanData process = byId.get(insert.getParentSpanId());
      assertThat(process.getName()).isEqualTo("process " + gateway.topic("analytics"));
      assertThat(process.getKind()).isEqualTo(SpanKind.CONSUMER);
      SpanData send = byId.get(process.getParentSpanId());
      assertThat(send.getName()).isEqualTo("send " + gateway.topic("analytics"));
      assertThat(send.getKind()).isEqualTo(SpanKind.PRODUCER);
      // sent to Kafka on the request's own event loop: no event-bus hop between the request and the
      // send
      SpanData request = byId.get(send.getParentSpanId());
      assertThat(request.getKind())
          .as("the trace starts at the HTTP request")
          .isEqualTo(SpanKind.SERVER);
      assertThat(request.getAttributes().get(AttributeKey.stringKey("url.path")))
          .isEqualTo("/v1/events");
      assertThat(request.getParentSpanContext().isValid()).isFalse();

      ConsumerRecord<String, byte[]> record = KafkaRecords.read(
          result.getString("topic"), result.getInteger("partition"), result.getLong("offset"));
      Header traceParent = record.headers().lastHeader("traceparent");
      assertThat(traceParent).isNotNull();
      assertThat(new String(traceParent.value(), StandardCharsets.UTF_8))
          .isEqualTo("00-" + send.getTraceId() + "-" + send.getSpanId() + "-01");
    } finally {
      sdk.close();
    }
  }
}
