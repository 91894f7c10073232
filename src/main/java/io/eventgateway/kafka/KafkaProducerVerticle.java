package io.eventgateway.kafka;

import io.eventgateway.bus.Addresses;
import io.eventgateway.bus.FailureCodes;
import io.eventgateway.bus.ProduceBatch;
import io.eventgateway.bus.ProduceResult;
import io.eventgateway.config.ConfigSections;
import io.eventgateway.config.KafkaConfig;
import io.eventgateway.tracing.Tracing;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the Kafka producer (acks=all, idempotent): consumes {@link Addresses#EVENTS_PRODUCE} and replies once
 * Kafka acknowledged or failed every record of the batch, so a 2xx upstream means durable; a batch accepted
 * asynchronously is answered once handed over, and its outcomes follow to the address it names.
 *
 * <p>Uses Kafka's own thread-safe producer rather than vertx-kafka-client's wrapper, which hops to a worker
 * thread per record: a batch for topics whose metadata is cached is handed to {@code send} right on the event
 * loop, otherwise in one worker task; acknowledgements come back on the producer's I/O thread, which replies.
 * The few thread hops per request are what single-event throughput is made of.
 *
 * <p>Back-pressure: the bytes handed to Kafka and not yet acknowledged are bounded by
 * {@code kafka.maxInFlightBytes} (below the producer's {@code buffer.memory}, so {@code send} never blocks on a
 * full buffer); a batch that does not fit is refused at once with {@code 429}, and ingestion tells its client to
 * retry later instead of queueing without bound.
 */
@ConfigSections("kafka")
public class KafkaProducerVerticle extends VerticleBase {

  /**
   * What an asynchronous batch's requester is told, in this header, in order: {@link #ACKNOWLEDGED} with Kafka's
   * outcomes, then {@link #RECORDED} once their statuses are in PostgreSQL, or {@link #UNRECORDED} when they could
   * not be put there (only the requester can tell them then).
   */
  public static final String STAGE = "stage";

  public static final String ACKNOWLEDGED = "acknowledged";
  public static final String RECORDED = "recorded";
  public static final String UNRECORDED = "unrecorded";

  /** Events Kafka acknowledged, per tenant (counted where a request's outcomes are read, one tenant a request). */
  public static final String TENANT_ACCEPTED = "gateway.tenant.events.accepted";

  private static final Logger LOG = LoggerFactory.getLogger(KafkaProducerVerticle.class);
  private static final long METADATA_CACHED_MS = 60_000;

  private final Timer produceLatency = Timer.builder("gateway.kafka.produce.latency")
      .description("Time from handing a batch to the producer until Kafka acknowledged all of it")
      .publishPercentiles(0.5, 0.95, 0.99)
      .register(Metrics.globalRegistry);
  private final Counter produced = Counter.builder("gateway.kafka.produced")
      .description("Events (records of the family topics, not alerts) acknowledged by Kafka")
      .register(Metrics.globalRegistry);
  private final Counter failed = Counter.builder("gateway.kafka.failed")
      .description("Records Kafka did not acknowledge")
      .register(Metrics.globalRegistry);
  private final Counter overloaded = Counter.builder("gateway.kafka.overloaded")
      .description("Records refused because the in-flight limit was reached")
      .register(Metrics.globalRegistry);
  private final AtomicLong inFlightBytes =
      Metrics.gauge("gateway.kafka.inflight.bytes", new AtomicLong());
  private final Map<String, Long> lastAcknowledged = new ConcurrentHashMap<>();
  private final ProducerFactory producers;
  private long maxInFlightBytes;
  private Set<String> eventTopics;
  private Producer<String, byte[]> producer;
  private ProduceSpans spans;

  /** Opens the producer from the {@code kafka} configuration section, on a worker thread. */
  @FunctionalInterface
  public interface ProducerFactory {
    Producer<String, byte[]> open(KafkaConfig kafka) throws Exception;
  }

  /** Deployed by name: a real producer, after the topics are made sure of. */
  public KafkaProducerVerticle() {
    this(kafka -> {
      KafkaTopics.ensure(kafka);
      return new KafkaProducer<>(
          KafkaSettings.producer(kafka), new StringSerializer(), new ByteArraySerializer());
    });
  }

  /** With the producer {@code producers} opens (a test's {@code MockProducer}). */
  public KafkaProducerVerticle(ProducerFactory producers) {
    this.producers = producers;
  }

  @Override
  public Future<?> start() {
    KafkaConfig kafka = KafkaConfig.of(config().getJsonObject("kafka"));
    maxInFlightBytes = kafka.maxInFlightBytes();
    // a hash set: looked up once per acknowledged record
    eventTopics = Set.copyOf(kafka.familyTopics());
    spans = new ProduceSpans(Tracing.of(vertx));
    return vertx
        .executeBlocking(() -> {
          producer = producers.open(kafka);
          LOG.info("Kafka producer connected to {}", kafka.bootstrapServers());
          return null;
        })
        .compose(ready -> vertx
            .eventBus()
            .<ProduceBatch>consumer(Addresses.EVENTS_PRODUCE, this::produce)
            .completion());
  }

  private void produce(Message<ProduceBatch> message) {
    List<ProduceBatch.Record> records = message.body().records();
    if (records.isEmpty()) {
      message.reply(new ProduceResult(List.of()));
      return;
    }
    long bytes = records.stream().mapToLong(ProducerRecords::size).sum();
    // a batch larger than the whole budget still goes through alone, so that it cannot be refused
    // forever
    if (inFlightBytes.get() > 0 && inFlightBytes.get() + bytes > maxInFlightBytes) {
      overloaded.increment(records.size());
      message.fail(
          FailureCodes.OVERLOADED,
          "the producer has " + inFlightBytes.get() + " bytes in flight to Kafka (limit "
              + maxInFlightBytes + ")");
      return;
    }
    inFlightBytes.addAndGet(bytes);
    String outcomesAddress = message.body().outcomesAddress();
    ProduceResult.Outcome[] outcomes = new ProduceResult.Outcome[records.size()];
    AtomicInteger pending = new AtomicInteger(records.size());
    Timer.Sample sample = Timer.start();
    Span span = spans.start(records);
    Map<String, byte[]> traceHeaders = spans.headers(span);
    // the reply is sent from Kafka's I/O thread: the event bus delivers it on the requester's own
    // event loop
    Runnable completeOne = () -> {
      if (pending.decrementAndGet() == 0) {
        sample.stop(produceLatency);
        inFlightBytes.addAndGet(-bytes);
        noteAcknowledgedTopics(outcomes);
        ProduceSpans.end(span, outcomes);
        ProduceResult result = new ProduceResult(Arrays.asList(outcomes));
        if (outcomesAddress == null) {
          message.reply(result);
        } else {
          vertx.eventBus().send(outcomesAddress, result, stage(ACKNOWLEDGED));
          // recorded here, not by the requester: its verticle may be gone (shutdown) by now
          AcceptStatusRecords.record(vertx, AcceptStatusRecords.outcomes(records, result))
              .onComplete(recorded -> vertx
                  .eventBus()
                  .send(
                      outcomesAddress,
                      new ProduceResult(List.of()),
                      stage(recorded.succeeded() ? RECORDED : UNRECORDED)));
        }
      }
    };
    // an asynchronous batch is answered once every record is in the producer's hands (or refused)
    Runnable handedOver = () -> {
      if (outcomesAddress != null) {
        message.reply(new ProduceResult(List.of()));
      }
    };
    if (records.stream().allMatch(record -> metadataCached(record.topic()))) {
      sendAll(records, traceHeaders, outcomes, completeOne);
      handedOver.run();
    } else {
      // send() blocks while it fetches a topic's metadata (up to max.block.ms): never on the event
      // loop
      vertx
          .executeBlocking(
              () -> {
                sendAll(records, traceHeaders, outcomes, completeOne);
                return null;
              },
              false)
          .onComplete(sent -> handedOver.run());
    }
  }

  private static DeliveryOptions stage(String stage) {
    return new DeliveryOptions().addHeader(STAGE, stage);
  }

  /**
   * A topic acknowledged lately has its metadata in the producer's cache (kept {@code metadata.max.idle.ms}, 5 min
   * by default), so {@code send} returns at once: the in-flight budget keeps the buffer from filling up.
   */
  private boolean metadataCached(String topic) {
    Long acknowledged = lastAcknowledged.get(topic);
    return acknowledged != null && System.currentTimeMillis() - acknowledged < METADATA_CACHED_MS;
  }

  /** Once per batch, not per record: batches are mostly of one topic. */
  private void noteAcknowledgedTopics(ProduceResult.Outcome[] outcomes) {
    long now = System.currentTimeMillis();
    String noted = null;
    for (ProduceResult.Outcome outcome : outcomes) {
      if (outcome.succeeded() && !outcome.topic().equals(noted)) {
        noted = outcome.topic();
        lastAcknowledged.put(noted, now);
      }
    }
  }

  private void sendAll(
      List<ProduceBatch.Record> records,
      Map<String, byte[]> traceHeaders,
      ProduceResult.Outcome[] outcomes,
      Runnable completeOne) {
    Exception refused = null;
    for (int i = 0; i < outcomes.length; i++) {
      int index = i;
      ProduceBatch.Record record = records.get(i);
      if (refused != null) {
        outcomes[index] = outcome(record.topic(), null, refused);
        completeOne.run();
        continue;
      }
      try {
        java.util.concurrent.Future<RecordMetadata> sent =
            producer.send(ProducerRecords.of(record, traceHeaders), (metadata, error) -> {
              outcomes[index] = outcome(record.topic(), metadata, error);
              completeOne.run();
            });
        refused = ProducerRecords.metadataTimeout(sent);
      } catch (RuntimeException error) {
        refused = error;
        outcomes[index] = outcome(record.topic(), null, error);
        completeOne.run();
      }
    }
  }

  private ProduceResult.Outcome outcome(String topic, RecordMetadata metadata, Exception error) {
    if (error != null) {
      failed.increment();
      LOG.debug("Kafka did not acknowledge a record for {}: {}", topic, error.toString());
      return ProduceResult.Outcome.failed(
          topic, error.getClass().getSimpleName() + ": " + error.getMessage());
    }
    if (eventTopics.contains(topic)) {
      produced.increment();
    }
    return ProduceResult.Outcome.stored(topic, metadata.partition(), metadata.offset());
  }

  @Override
  public Future<?> stop() {
    if (producer == null) {
      return Future.succeededFuture();
    }
    // close() flushes what is buffered, so records already handed over are not dropped at shutdown
    return vertx.executeBlocking(() -> {
      producer.close();
      return null;
    });
  }
}
