package io.eventgateway.feeds;

import io.eventgateway.bus.Addresses;
import io.eventgateway.bus.PersistBatch;
import io.eventgateway.config.ConfigSections;
import io.eventgateway.config.KafkaConfig;
import io.eventgateway.kafka.DecodingConsumer;
import io.eventgateway.kafka.FeedFormat;
import io.eventgateway.kafka.GatewayHeaders;
import io.eventgateway.kafka.Polling;
import io.eventgateway.kafka.ProcessingFailure;
import io.eventgateway.kafka.TopicFollower;
import io.eventgateway.schema.EventCatalog;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Feeds the live WebSocket feeds of this node from Kafka, so that every gateway instance sees every alert and
 * event whichever instance produced it: each feed is a consumer with a group of its own, starting at the latest
 * offset and committing nothing. Alerts are always relayed (few); events only while someone watches.
 */
@ConfigSections({"kafka", "alerts"})
public class FeedVerticle extends VerticleBase {

  private TopicFollower alerts;
  private DecodingConsumer events;
  private int watchers;

  @Override
  public Future<?> start() {
    KafkaConfig kafka = KafkaConfig.of(config().getJsonObject("kafka"));
    String node = UUID.randomUUID().toString().substring(0, 8);
    alerts = new TopicFollower(vertx, kafka, "feed-alerts-" + node);
    vertx
        .eventBus()
        .<Integer>consumer(Addresses.FEED_EVENTS_WATCHERS, change -> watch(change.body()));
    return vertx
        .eventBus()
        .<EventCatalog>request(Addresses.REGISTRY_CATALOG, null)
        .compose(catalog -> {
          events = new DecodingConsumer(
              vertx,
              TopicFollower.fromLatest(kafka, "feed-events-" + node),
              catalog.body(),
              Polling.withoutLinger(Duration.ofMillis(200)),
              (batch, advance) -> relay(batch),
              DecodingConsumer.Role.FOLLOWING);
          events.pause();
          return Future.all(
              alerts.follow(
                  config().getJsonObject("alerts").getString("topic"),
                  GatewayHeaders.TENANT,
                  (alert, tenant) -> vertx.eventBus().publish(Addresses.feedAlerts(tenant), alert)),
              events.start(kafka.familyTopics()));
        });
  }

  private Future<List<ProcessingFailure>> relay(List<PersistBatch.Event> batch) {
    for (PersistBatch.Event event : batch) {
      vertx.eventBus().publish(Addresses.feedEvents(event.tenant()), FeedFormat.event(event));
    }
    return Future.succeededFuture(List.of());
  }

  private void watch(int change) {
    watchers += change;
    if (watchers == 1 && change > 0) {
      events.resumeFromEnd();
    } else if (watchers == 0) {
      events.pause();
    }
  }

  @Override
  public Future<?> stop() {
    return Future.join(alerts.close(), events == null ? Future.succeededFuture() : events.stop());
  }
}
