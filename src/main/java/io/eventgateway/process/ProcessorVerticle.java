package io.eventgateway.process;

import io.eventgateway.bus.Addresses;
import io.eventgateway.bus.PersistBatch;
import io.eventgateway.bus.PositionAdvance;
import io.eventgateway.config.ConfigSections;
import io.eventgateway.config.KafkaConfig;
import io.eventgateway.config.ProcessorConfig;
import io.eventgateway.kafka.DecodingConsumer;
import io.eventgateway.kafka.KafkaSettings;
import io.eventgateway.kafka.Polling;
import io.eventgateway.kafka.ProcessingFailure;
import io.eventgateway.schema.EventCatalog;
import io.eventgateway.tracing.Tracing;
import io.opentelemetry.api.OpenTelemetry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member of the processing consumer group over every family topic: each batch is stored by
 * {@link io.eventgateway.store.PgWriterVerticle} with the group's positions in the same transaction, so a crash,
 * a redelivery or a rebalance resumes past what is stored; Kafka's commit follows. A batch refused for its records'
 * fault is narrowed down to them ({@link Narrowing}): they are dead-lettered, the rest is stored; an unavailable
 * database is waited for ({@link PersistRetry}). When events trickle in, the poll after a small one lingers for a
 * fuller batch ({@link Polling}), which PostgreSQL stores for less per event.
 */
@ConfigSections({"kafka", "processor"})
public class ProcessorVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ProcessorVerticle.class);

  private final Function<Properties, Consumer<String, byte[]>> consumers;
  private DecodingConsumer consumer;
  private PersistRetry store;
  private int maxAttempts;
  private OpenTelemetry openTelemetry;

  /** Deployed by name: Kafka consumers of the processing group. */
  public ProcessorVerticle() {
    this(DecodingConsumer::open);
  }

  /** Over the consumer {@code consumers} opens from the group's settings (a test's {@code MockConsumer}). */
  public ProcessorVerticle(Function<Properties, Consumer<String, byte[]>> consumers) {
    this.consumers = consumers;
  }

  @Override
  public Future<?> start() {
    ProcessorConfig processor = ProcessorConfig.of(config().getJsonObject("processor"));
    KafkaConfig kafka = KafkaConfig.of(config().getJsonObject("kafka"));
    maxAttempts = processor.maxAttempts();
    openTelemetry = Tracing.of(vertx);
    return vertx
        .eventBus()
        .<EventCatalog>request(Addresses.REGISTRY_CATALOG, null)
        .compose(reply -> {
          consumer = new DecodingConsumer(
              vertx,
              consumers.apply(KafkaSettings.consumer(kafka)),
              reply.body(),
              new Polling(
                  Duration.ofMillis(processor.pollTimeoutMs()),
                  Duration.ofMillis(processor.trickleLingerMs()),
                  processor.trickleBelowEvents()),
              this::persistTraced,
              DecodingConsumer.Role.STORING);
          store = new PersistRetry(vertx, processor, consumer::stopping, consumer::retrying);
          return consumer.start(kafka.familyTopics());
        })
        .onSuccess(started ->
            LOG.info("Processing {} as group {}", kafka.familyTopics(), kafka.groupId()));
  }

  private Future<List<ProcessingFailure>> persistTraced(
      List<PersistBatch.Event> events, PositionAdvance advance) {
    ProcessingSpans spans = ProcessingSpans.start(openTelemetry, events);
    return persist(events, advance).onComplete(spans::end);
  }

  /**
   * Stores the batch with the group's positions. A batch refused for its records' fault is narrowed down to them,
   * its parts stored without the positions: those refused alone are given up on (dead-lettered by the consumer,
   * which then moves the positions past them), the rest is stored; when none is refused after all, the positions
   * move here.
   */
  private Future<List<ProcessingFailure>> persist(
      List<PersistBatch.Event> events, PositionAdvance advance) {
    if (events.isEmpty() && advance == null) {
      return Future.succeededFuture(List.of());
    }
    Instant started = Instant.now();
    return store
        .request(Addresses.EVENTS_PERSIST, new PersistBatch(events, advance))
        .<List<Narrowing.Refused<PersistBatch.Event>>>map(stored -> List.of())
        .recover(error -> Narrowing.narrow(
                events,
                error,
                part -> store.request(Addresses.EVENTS_PERSIST, new PersistBatch(part)))
            .compose(refused -> refused.isEmpty() && advance != null
                ? store
                    .request(Addresses.EVENTS_PERSIST, new PersistBatch(List.of(), advance))
                    .map(moved -> refused)
                : Future.succeededFuture(refused)))
        .map(refused -> refused.stream()
            .map(alone -> ProcessingFailure.refused(
                alone.item(),
                alone.error().getMessage(),
                PersistRetry.attemptsOf(alone.error(), maxAttempts),
                started))
            .toList());
  }

  @Override
  public Future<?> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.stop();
  }
}
