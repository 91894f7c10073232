package io.eventgateway.feeds;

import io.eventgateway.bus.Addresses;
import io.eventgateway.bus.PersistBatch;
import io.eventgateway.kafka.DecodingConsumer;
import io.eventgateway.kafka.GatewayHeaders;
import io.eventgateway.kafka.KafkaSettings;
import io.eventgateway.kafka.ProcessingFailure;
import io.eventgateway.schema.EventCatalog;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Feeds the live WebSocket feeds of this node from Kafka, so that every gateway instance sees every alert and
 * event whichever instance produced it: each feed is a consumer with a group of its own, starting at the latest
 * offset and committing nothing. Alerts are always relayed (few); events only while someone watches.
 */
public class FeedVerticle extends VerticleBase {

  private KafkaConsumer<String, String> alerts;
  private DecodingConsumer events;
  private int watchers;

  @Override
  public Future<?> start() {
    JsonObject kafka = config().getJsonObject("kafka");
    String node = UUID.randomUUID().toString().substring(0, 8);
    alerts = KafkaConsumer.create(
        vertx,
        feedSettings(kafka, "feed-alerts-" + node),
        new StringDeserializer(),
        new StringDeserializer());
    alerts.handler(record -> vertx
        .eventBus()
        .publish(
            Addresses.FEED_ALERTS,
            record.value(),
            new DeliveryOptions().addHeader(GatewayHeaders.TENANT, tenantOf(record))));
    vertx
        .eventBus()
        .<Integer>consumer(Addresses.FEED_EVENTS_WATCHERS, change -> watch(change.body()));
    return vertx
        .eventBus()
        .<EventCatalog>request(Addresses.REGISTRY_CATALOG, null)
        .compose(catalog -> {
          events = new DecodingConsumer(
              vertx,
              feedSettings(kafka, "feed-events-" + node),
              catalog.body(),
              Duration.ofMillis(200),
              this::relay,
              false);
          events.pause();
          return Future.all(
              alerts.subscribe(config().getJsonObject("alerts").getString("topic")),
              events.start(KafkaSettings.topics(kafka)));
        });
  }

  private Future<List<ProcessingFailure>> relay(List<PersistBatch.Event> batch) {
    for (PersistBatch.Event event : batch) {
      vertx
          .eventBus()
          .publish(
              Addresses.FEED_EVENTS,
              new JsonObject()
                  .put("tenant", event.tenant())
                  .put("id", event.eventId())
                  .put("type", event.eventType())
                  .put("family", event.family())
                  .put("source", event.source())
                  .put("subject", event.subject())
                  .put(
                      "time",
                      event.eventTime() == null
                          ? null
                          : event.eventTime().toInstant().toString())
                  .put("data", new JsonObject(event.dataJson())));
    }
    return Future.succeededFuture(List.of());
  }

  /** The alert's tenant, from the header the alert verticle wrote. */
  private static String tenantOf(KafkaConsumerRecord<String, String> record) {
    return record.headers().stream()
        .filter(header -> GatewayHeaders.TENANT.equals(header.key()))
        .map(header -> header.value().toString())
        .reduce((first, last) -> last)
        .orElse("");
  }

  private void watch(int change) {
    watchers += change;
    if (watchers == 1 && change > 0) {
      events.resumeFromEnd();
    } else if (watchers == 0) {
      events.pause();
    }
  }

  private static Properties feedSettings(JsonObject kafka, String group) {
    Properties settings = KafkaSettings.consumer(kafka);
    settings.put("group.id", group);
    settings.put("auto.offset.reset", "latest");
    return settings;
  }

  @Override
  public Future<?> stop() {
    return Future.join(alerts.close(), events == null ? Future.succeededFuture() : events.stop());
  }
}
