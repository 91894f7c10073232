package io.eventgateway;

import io.eventgateway.tracing.Tracing;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;

/**
 * Creates the Vert.x instance with Micrometer metrics exported in the Prometheus format, and OpenTelemetry tracing
 * when given an SDK.
 */
public final class GatewayVertx {

  private GatewayVertx() {}

  /** @param openTelemetry the tracing SDK, or {@code null} for no tracing */
  public static Vertx create(OpenTelemetry openTelemetry) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // the gateway's own meters register in the global registry; this makes them part of the scrape
    Metrics.globalRegistry.add(registry);
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true));
    VertxOptions options = new VertxOptions().setMetricsOptions(metrics);
    VertxBuilder builder = Vertx.builder().withMetrics(new MicrometerMetricsFactory(registry));
    if (openTelemetry != null) {
      options.setTracingOptions(new OpenTelemetryOptions());
      builder.withTracer(new OpenTelemetryTracingFactory(openTelemetry));
    }
    Vertx vertx = builder.with(options).build();
    if (openTelemetry != null) {
      Tracing.install(vertx, openTelemetry);
    }
    return vertx;
  }
}
