package io.eventgateway.ops;

import io.eventgateway.kafka.KafkaProducerVerticle;
import io.eventgateway.store.PgWriterVerticle;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.vertx.core.json.JsonObject;

/**
 * This node's running totals for the dashboard, read from the same meters {@code /metrics} exports: events
 * acknowledged by Kafka and events stored, of the caller's tenant only (a tenant learns nothing of another's
 * volume); an operator also sees the node's totals and the consumers' lag, which every tenant shares. The page
 * derives rates from successive totals.
 */
public final class DashboardStats {

  private DashboardStats() {}

  /** @param tenant whose figures; @param operator whether the node's totals and lag are shown too */
  public static JsonObject totals(String tenant, boolean operator) {
    JsonObject totals = new JsonObject()
        .put("tenant", tenant)
        .put("accepted", tenantCount(KafkaProducerVerticle.TENANT_ACCEPTED, tenant))
        .put("stored", tenantCount(PgWriterVerticle.TENANT_STORED, tenant));
    if (!operator) {
      return totals;
    }
    Counter produced = Metrics.globalRegistry.find("gateway.kafka.produced").counter();
    DistributionSummary stored =
        Metrics.globalRegistry.find("gateway.pg.batch.size").summary();
    // the per-partition lag of every consumer of this node, as of its last fetch
    double lag =
        Metrics.globalRegistry.find("kafka.consumer.fetch.manager.records.lag").gauges().stream()
            .mapToDouble(Gauge::value)
            .filter(value -> !Double.isNaN(value) && value > 0)
            .sum();
    return totals.put(
        "node",
        new JsonObject()
            .put("accepted", produced == null ? 0 : (long) produced.count())
            .put("stored", stored == null ? 0 : (long) stored.totalAmount())
            .put("consumerLag", (long) lag));
  }

  private static long tenantCount(String meter, String tenant) {
    Counter counter = Metrics.globalRegistry.find(meter).tag("tenant", tenant).counter();
    return counter == null ? 0 : (long) counter.count();
  }
}
