package io.eventgateway.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Shareable;

/**
 * OpenTelemetry tracing, off unless {@code tracing.enabled}; then spans are batched to an OTLP/HTTP collector
 * ({@code tracing.endpoint}). Vert.x traces HTTP requests and event-bus hops itself (vertx-opentelemetry); the
 * gateway adds the Kafka send, the processing and the PostgreSQL write, carrying the W3C {@code traceparent} in the
 * Kafka record's headers. Verticles find the instance's OpenTelemetry with {@link #of(Vertx)}: a no-op one when off.
 */
public final class Tracing {

  private static final String MAP = "gateway.tracing";

  private Tracing() {}

  /** The SDK that {@code config}'s {@code tracing} section asks for, or {@code null} when tracing is off. */
  public static OpenTelemetrySdk sdk(JsonObject config, String role) {
    JsonObject tracing = config.getJsonObject("tracing");
    if (tracing == null || !tracing.getBoolean("enabled", false)) {
      return null;
    }
    Resource resource = Resource.getDefault()
        .merge(Resource.create(Attributes.of(
            AttributeKey.stringKey("service.name"),
            tracing.getString("serviceName"),
            AttributeKey.stringKey("service.role"),
            role)));
    SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
        .setResource(resource)
        .setSampler(
            Sampler.parentBased(Sampler.traceIdRatioBased(tracing.getDouble("sampleRatio"))))
        .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
                .setEndpoint(tracing.getString("endpoint"))
                .build())
            .build())
        .build();
    return OpenTelemetrySdk.builder()
        .setTracerProvider(tracerProvider)
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
  }

  /** Makes {@code openTelemetry} the one {@link #of(Vertx)} answers for this Vert.x instance. */
  public static void install(Vertx vertx, OpenTelemetry openTelemetry) {
    vertx.sharedData().getLocalMap(MAP).put(MAP, new Installed(openTelemetry));
  }

  /** Whether traces are exported: an OpenTelemetry was installed for this Vert.x instance. */
  public static boolean enabled(Vertx vertx) {
    return vertx.sharedData().getLocalMap(MAP).get(MAP) != null;
  }

  public static OpenTelemetry of(Vertx vertx) {
    Object installed = vertx.sharedData().getLocalMap(MAP).get(MAP);
    return installed == null ? OpenTelemetry.noop() : ((Installed) installed).openTelemetry();
  }

  private record Installed(OpenTelemetry openTelemetry) implements Shareable {}
}
