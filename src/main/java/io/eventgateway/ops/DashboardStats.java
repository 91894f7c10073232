package io.eventgateway.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.vertx.core.json.JsonObject;

/**
 * This node's running totals for the dashboard, read from the same meters {@code /metrics} exports: events
 * acknowledged by Kafka, events stored, and the consumers' total lag. The page derives rates from
 * successive totals.
 */
public final class DashboardStats {

  private DashboardStats() {}

  public static JsonObject totals() {
    Counter produced = Metrics.globalRegistry.find("gateway.kafka.produced").counter();
    DistributionSummary stored =
        Metrics.globalRegistry.find("gateway.pg.batch.size").summary();
    // the per-partition lag of every consumer of this node, as of its last fetch
    double lag =
        Metrics.globalRegistry.find("kafka.consumer.fetch.manager.records.lag").gauges().stream()
            .mapToDouble(Gauge::value)
            .filter(value -> !Double.isNaN(value) && value > 0)
            .sum();
    return new JsonObject()
        .put("accepted", produced == null ? 0 : (long) produced.count())
        .put("stored", stored == null ? 0 : (long) stored.totalAmount())
        .put("consumerLag", (long) lag);
  }
}
