package io.eventgateway.process;

import io.eventgateway.bus.Addresses;
import io.eventgateway.bus.FailureCodes;
import io.eventgateway.bus.PersistBatch;
import io.eventgateway.kafka.KafkaSettings;
import io.eventgateway.schema.ConfluentWireFormat;
import io.eventgateway.schema.EventCatalog;
import io.eventgateway.schema.EventType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member of the processing consumer group: polls a batch from the family topics, decodes it, has
 * {@link io.eventgateway.store.PgWriterVerticle} store it, and only then commits the offsets. A crash between
 * write and commit redelivers the batch, which the writer stores once (keyed by event id).
 *
 * <p>One batch at a time: polling waits for the previous write, which is the consumer's back-pressure.
 */
public class ProcessorVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ProcessorVerticle.class);

  private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();
  private final Counter skipped = Counter.builder("gateway.processor.skipped")
      .description("Records that could not be decoded or stored and were skipped").register(Metrics.globalRegistry);
  private KafkaConsumer<String, byte[]> consumer;
  private KafkaClientMetrics consumerMetrics;
  private RecordDecoder decoder;
  private JsonObject settings;
  private volatile boolean stopping;
  private Future<Void> inFlight = Future.succeededFuture();

  @Override
  public Future<?> start() {
    settings = config().getJsonObject("processor");
    JsonObject kafka = config().getJsonObject("kafka");
    return vertx.eventBus().<EventCatalog>request(Addresses.REGISTRY_CATALOG, null)
        .compose(reply -> {
          EventCatalog catalog = reply.body();
          decoder = new RecordDecoder(catalog);
          for (EventType type : catalog.types()) {
            schemas.put(type.schemaId(), type.schema());
          }
          consumer = KafkaConsumer.create(vertx, KafkaSettings.consumer(kafka), new StringDeserializer(),
              new ByteArrayDeserializer());
          consumerMetrics = new KafkaClientMetrics(consumer.unwrap());
          consumerMetrics.bindTo(Metrics.globalRegistry);
          return consumer.subscribe(KafkaSettings.topics(kafka));
        })
        .onSuccess(subscribed -> {
          LOG.info("Processing {} as group {}", KafkaSettings.topics(kafka), kafka.getJsonObject("consumer").getString("group.id"));
          vertx.runOnContext(next -> pollLoop());
        });
  }

  private void pollLoop() {
    if (stopping) {
      return;
    }
    inFlight = consumer.poll(Duration.ofMillis(settings.getInteger("pollTimeoutMs")))
        .compose(this::process)
        .onFailure(error -> LOG.error("Processing a batch failed; it will be redelivered: {}", error.getMessage()));
    inFlight.onComplete(done -> pollLoop());
  }

  private Future<Void> process(KafkaConsumerRecords<String, byte[]> records) {
    if (records.isEmpty()) {
      return Future.succeededFuture();
    }
    List<KafkaConsumerRecord<String, byte[]>> batch = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      batch.add(records.recordAt(i));
    }
    return resolveSchemas(batch)
        .map(resolved -> decode(batch))
        .compose(events -> persist(events, settings.getInteger("retryInitialBackoffMs")))
        .compose(stored -> consumer.commit());
  }

  /** Fetches, once each, the writer schemas of ids not seen yet (written by another version of the gateway). */
  private Future<Void> resolveSchemas(List<KafkaConsumerRecord<String, byte[]>> batch) {
    Set<Integer> unknown = new HashSet<>();
    for (KafkaConsumerRecord<String, byte[]> record : batch) {
      try {
        int id = ConfluentWireFormat.schemaId(record.value());
        if (!schemas.containsKey(id)) {
          unknown.add(id);
        }
      } catch (IllegalArgumentException notFramed) {
        // reported by decode()
      }
    }
    List<Future<Void>> lookups = unknown.stream()
        .map(id -> vertx.eventBus().<String>request(Addresses.REGISTRY_SCHEMA_BY_ID, id)
            .onSuccess(reply -> schemas.put(id, new Schema.Parser().parse(reply.body())))
            .<Void>mapEmpty()
            .recover(error -> Future.succeededFuture()))
        .toList();
    return Future.join(lookups).mapEmpty();
  }

  private List<PersistBatch.Event> decode(List<KafkaConsumerRecord<String, byte[]>> batch) {
    List<PersistBatch.Event> events = new ArrayList<>(batch.size());
    for (KafkaConsumerRecord<String, byte[]> record : batch) {
      try {
        Schema writer = schemas.get(ConfluentWireFormat.schemaId(record.value()));
        if (writer == null) {
          throw new IllegalArgumentException("schema id is not registered");
        }
        events.add(decoder.decode(record, writer));
      } catch (RuntimeException error) {
        skipped.increment();
        LOG.error("Skipping undecodable record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
            error.getMessage());
      }
    }
    return events;
  }

  /**
   * Stores the batch, retrying with exponential backoff while the database is unavailable (offsets stay
   * uncommitted meanwhile). A batch refused as invalid is stored event by event so that one bad row cannot
   * hold back the others.
   */
  private Future<Integer> persist(List<PersistBatch.Event> events, long backoffMs) {
    if (events.isEmpty()) {
      return Future.succeededFuture(0);
    }
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(settings.getInteger("persistTimeoutMs"));
    return vertx.eventBus().<Integer>request(Addresses.EVENTS_PERSIST, new PersistBatch(events), options)
        .map(reply -> reply.body())
        .recover(error -> {
          if (error instanceof ReplyException reply && reply.failureCode() == FailureCodes.INVALID) {
            return events.size() == 1 ? skip(events.get(0), error) : persistOneByOne(events);
          }
          if (stopping) {
            return Future.failedFuture(error);
          }
          LOG.warn("Storing {} events failed ({}); retrying in {} ms", events.size(), error.getMessage(), backoffMs);
          Promise<Integer> retried = Promise.promise();
          long next = Math.min(backoffMs * 2, settings.getInteger("retryMaxBackoffMs"));
          vertx.setTimer(backoffMs, timer -> persist(events, next).onComplete(retried));
          return retried.future();
        });
  }

  private Future<Integer> persistOneByOne(List<PersistBatch.Event> events) {
    Future<Integer> chain = Future.succeededFuture(0);
    for (PersistBatch.Event event : events) {
      long initialBackoff = settings.getInteger("retryInitialBackoffMs");
      chain = chain.compose(total -> persist(List.of(event), initialBackoff).map(stored -> total + stored));
    }
    return chain;
  }

  private Future<Integer> skip(PersistBatch.Event event, Throwable error) {
    skipped.increment();
    LOG.error("Event {} ({}@{}) was refused by the database and skipped: {}", event.eventId(), event.topic(),
        event.offset(), error.getMessage());
    return Future.succeededFuture(0);
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    if (consumerMetrics != null) {
      consumerMetrics.close();
    }
    // let the batch in hand finish (write and commit) before leaving the group
    return inFlight.transform(done -> consumer == null ? Future.succeededFuture() : consumer.close());
  }
}
