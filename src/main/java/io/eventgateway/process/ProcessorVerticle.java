package io.eventgateway.process;

import io.eventgateway.bus.Addresses;
import io.eventgateway.bus.PersistBatch;
import io.eventgateway.config.ConfigSections;
import io.eventgateway.config.KafkaConfig;
import io.eventgateway.config.ProcessorConfig;
import io.eventgateway.kafka.DecodingConsumer;
import io.eventgateway.kafka.KafkaSettings;
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
 * {@link io.eventgateway.store.PgWriterVerticle} before its offsets are committed. A crash between write and
 * commit redelivers the batch, which the writer stores once (keyed by event id). A batch refused for its records'
 * fault is narrowed down to them ({@link Narrowing}): they are dead-lettered, the rest is stored; an unavailable
 * database is waited for ({@link PersistRetry}).
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
              Duration.ofMillis(processor.pollTimeoutMs()),
              this::persistTraced,
              true);
          store = new PersistRetry(vertx, processor, consumer::stopping, consumer::retrying);
          return consumer.start(kafka.familyTopics());
        })
        .onSuccess(started ->
            LOG.info("Processing {} as group {}", kafka.familyTopics(), kafka.groupId()));
  }

  private Future<List<ProcessingFailure>> persistTraced(List<PersistBatch.Event> events) {
    ProcessingSpans spans = ProcessingSpans.start(openTelemetry, events);
    return persist(events).onComplete(spans::end);
  }

  /**
   * Stores the batch, narrowed down when records are at fault: those refused alone are given up on (and
   * dead-lettered by the consumer before it commits), the rest is stored.
   */
  private Future<List<ProcessingFailure>> persist(List<PersistBatch.Event> events) {
    Instant started = Instant.now();
    return Narrowing.store(
            events, batch -> store.request(Addresses.EVENTS_PERSIST, new PersistBatch(batch)))
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
