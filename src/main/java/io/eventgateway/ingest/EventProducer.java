package io.eventgateway.ingest;

import io.eventgateway.bus.Addresses;
import io.eventgateway.bus.ProduceBatch;
import io.eventgateway.bus.ProduceResult;
import io.eventgateway.kafka.GatewayHeaders;
import io.eventgateway.kafka.KafkaProducerVerticle;
import io.eventgateway.schema.FieldError;
import io.micrometer.core.instrument.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends accepted events to {@link io.eventgateway.kafka.KafkaProducerVerticle} as one batch and turns Kafka's
 * outcome for each into its result: a {@code 202} record of where it was stored, or an {@link EventError}
 * {@code 503}. Shared by the HTTP and the WebSocket ingest.
 */
public final class EventProducer {

  private final Vertx vertx;
  private final DeliveryOptions options;

  public EventProducer(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.options = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  /**
   * @return one result per event, in order; fails as a whole when
   *     the producer could not be reached or did not answer in time
   */
  /**
   * Counts the acknowledged events by tenant ({@code gateway.tenant.events.accepted}): each tenant's own figure for
   * its dashboard. A request's events are one caller's, so of one tenant.
   */
  private static void countAcknowledged(
      List<EventValidator.Accepted> events, List<ProduceResult.Outcome> outcomes) {
    long acknowledged =
        outcomes.stream().filter(ProduceResult.Outcome::succeeded).count();
    if (acknowledged > 0) {
      Metrics.counter(
              KafkaProducerVerticle.TENANT_ACCEPTED,
              "tenant",
              events.get(0).record().headers().get(GatewayHeaders.TENANT))
          .increment(acknowledged);
    }
  }

  public Future<List<EventResult>> produce(List<EventValidator.Accepted> events) {
    ProduceBatch batch =
        new ProduceBatch(events.stream().map(EventValidator.Accepted::record).toList());
    return vertx
        .eventBus()
        .<ProduceResult>request(Addresses.EVENTS_PRODUCE, batch, options)
        .map(reply -> {
          List<ProduceResult.Outcome> outcomes = reply.body().outcomes();
          List<EventResult> results = new ArrayList<>(events.size());
          countAcknowledged(events, outcomes);
          for (int i = 0; i < events.size(); i++) {
            EventValidator.Accepted event = events.get(i);
            ProduceResult.Outcome outcome = outcomes.get(i);
            results.add(
                outcome.succeeded()
                    ? new EventResult.Acknowledged(
                        event.index(),
                        event.id(),
                        outcome.topic(),
                        outcome.partition(),
                        outcome.offset())
                    : new EventError(
                        event.index(),
                        event.id(),
                        503,
                        "Kafka did not acknowledge the event",
                        List.of(new FieldError("", outcome.error()))));
          }
          return results;
        });
  }
}
