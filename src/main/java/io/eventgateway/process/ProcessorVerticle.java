package io.eventgateway.process;

import io.eventgateway.bus.Addresses;
import io.eventgateway.bus.PersistBatch;
import io.eventgateway.kafka.KafkaSettings;
import io.eventgateway.schema.EventCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member of the processing consumer group over every family topic: each batch is stored by
 * {@link io.eventgateway.store.PgWriterVerticle} before its offsets are committed. A crash between write and
 * commit redelivers the batch, which the writer stores once (keyed by event id).
 */
public class ProcessorVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ProcessorVerticle.class);

  private final Counter refused = Counter.builder("gateway.processor.refused")
      .description("Events the database refused as invalid; skipped").register(Metrics.globalRegistry);
  private DecodingConsumer consumer;
  private PersistRetry store;

  @Override
  public Future<?> start() {
    JsonObject processor = config().getJsonObject("processor");
    JsonObject kafka = config().getJsonObject("kafka");
    return vertx.eventBus().<EventCatalog>request(Addresses.REGISTRY_CATALOG, null)
        .compose(reply -> {
          consumer = new DecodingConsumer(vertx, KafkaSettings.consumer(kafka), reply.body(),
              Duration.ofMillis(processor.getInteger("pollTimeoutMs")), this::persist);
          store = new PersistRetry(vertx, processor, consumer::stopping);
          return consumer.start(KafkaSettings.topics(kafka));
        })
        .onSuccess(started -> LOG.info("Processing {} as group {}", KafkaSettings.topics(kafka),
            kafka.getJsonObject("consumer").getString("group.id")));
  }

  /** A batch refused as invalid is stored event by event, so that one bad row cannot hold back the others. */
  private Future<Integer> persist(List<PersistBatch.Event> events) {
    if (events.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return store.<Integer>request(Addresses.EVENTS_PERSIST, new PersistBatch(events))
        .recover(error -> {
          if (!PersistRetry.isInvalid(error)) {
            return Future.failedFuture(error);
          }
          if (events.size() > 1) {
            return persistOneByOne(events);
          }
          refused.increment();
          LOG.error("Event {} ({}@{}) was refused by the database and skipped: {}", events.get(0).eventId(),
              events.get(0).topic(), events.get(0).offset(), error.getMessage());
          return Future.succeededFuture(0);
        });
  }

  private Future<Integer> persistOneByOne(List<PersistBatch.Event> events) {
    Future<Integer> chain = Future.succeededFuture(0);
    for (PersistBatch.Event event : events) {
      chain = chain.compose(total -> persist(List.of(event)).map(stored -> total + stored));
    }
    return chain;
  }

  @Override
  public Future<?> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.stop();
  }
}
