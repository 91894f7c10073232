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
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member of the processing consumer group over every family topic: each batch is stored by
 * {@link io.eventgateway.store.PgWriterVerticle} before its offsets are committed. A crash between write and
 * commit redelivers the batch, which the writer stores once (keyed by event id). An event the database refuses
 * on every one of {@code processor.maxAttempts} attempts is dead-lettered; an unavailable database is waited for.
 */
@ConfigSections({"kafka", "processor"})
public class ProcessorVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ProcessorVerticle.class);

  private final Function<Properties, Consumer<String, byte[]>> consumers;
  private DecodingConsumer consumer;
  private PersistRetry store;
  private Backoff backoff;
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
    backoff = PersistRetry.backoff(processor);
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
          store = new PersistRetry(vertx, processor, consumer::stopping);
          return consumer.start(kafka.familyTopics());
        })
        .onSuccess(started ->
            LOG.info("Processing {} as group {}", kafka.familyTopics(), kafka.groupId()));
  }

  private Future<List<ProcessingFailure>> persistTraced(List<PersistBatch.Event> events) {
    ProcessingSpans spans = ProcessingSpans.start(openTelemetry, events);
    return persist(events).onComplete(spans::end);
  }

  /** A batch refused as invalid is stored event by event, so that one bad row cannot hold back the others. */
  private Future<List<ProcessingFailure>> persist(List<PersistBatch.Event> events) {
    if (events.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return store
        .<Integer>request(Addresses.EVENTS_PERSIST, new PersistBatch(events))
        .<List<ProcessingFailure>>map(stored -> List.of())
        .recover(error -> {
          if (!PersistRetry.isInvalid(error)) {
            return Future.failedFuture(error);
          }
          return events.size() > 1
              ? persistOneByOne(events)
              : retryRefused(events.get(0), 1, Instant.now(), error);
        });
  }

  private Future<List<ProcessingFailure>> persistOneByOne(List<PersistBatch.Event> events) {
    Future<List<ProcessingFailure>> chain = Future.succeededFuture(new ArrayList<>());
    for (PersistBatch.Event event : events) {
      chain = chain.compose(failures -> persist(List.of(event)).map(failed -> {
        failures.addAll(failed);
        return failures;
      }));
    }
    return chain;
  }

  /** Tries a refused event again after a backoff, up to {@code maxAttempts} in all, then gives up on it. */
  private Future<List<ProcessingFailure>> retryRefused(
      PersistBatch.Event event, int attempt, Instant firstFailure, Throwable error) {
    if (attempt >= maxAttempts || consumer.stopping()) {
      return Future.succeededFuture(List.of(new ProcessingFailure(
          event.topic(),
          event.partition(),
          event.offset(),
          "persist",
          error.getMessage(),
          attempt,
          firstFailure,
          Instant.now())));
    }
    Promise<List<ProcessingFailure>> retried = Promise.promise();
    vertx.setTimer(
        backoff.delayMs(attempt),
        timer -> store
            .<Integer>request(Addresses.EVENTS_PERSIST, new PersistBatch(List.of(event)))
            .<List<ProcessingFailure>>map(stored -> List.of())
            .recover(again -> PersistRetry.isInvalid(again)
                ? retryRefused(event, attempt + 1, firstFailure, again)
                : Future.failedFuture(again))
            .onComplete(retried));
    return retried.future();
  }

  @Override
  public Future<?> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.stop();
  }
}
