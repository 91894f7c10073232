package io.eventgateway.kafka;

import io.eventgateway.bus.FailureCodes;
import io.eventgateway.bus.ProduceBatch;
import io.eventgateway.bus.ProduceResult;
import io.eventgateway.config.KafkaConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.shareddata.Shareable;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's Kafka producer as every event loop uses it: a batch goes to Kafka's thread-safe {@code send} on the
 * caller's own thread, with no hop to another event loop, and its outcomes come back once Kafka acknowledged or
 * refused every record. {@link KafkaProducerVerticle} opens the producer, makes this sender, puts it where the
 * ingest of each event loop finds it ({@link #inProcess}) and closes it.
 *
 * <p>Back-pressure: the bytes handed to Kafka and not yet acknowledged are bounded by
 * {@code kafka.maxInFlightBytes} (below the producer's {@code buffer.memory}, so {@code send} never blocks on a
 * full buffer); a batch that does not fit is refused at once with {@link FailureCodes#OVERLOADED}, and ingestion
 * tells its client to retry later instead of queueing without bound.
 */
public final class RecordSender implements Shareable {

  private static final Logger LOG = LoggerFactory.getLogger(RecordSender.class);
  private static final String LOCAL_MAP = "gateway.kafka";
  private static final String SENDER = "sender";
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
  private final Vertx vertx;
  private final Producer<String, byte[]> producer;
  private final long maxInFlightBytes;
  private final Set<String> eventTopics;
  private final ProduceSpans spans;

  /**
   * One batch on its way: {@code handedOver} once every record is in the producer's hands (or refused),
   * {@code acknowledged} with Kafka's outcome for each; both fail with {@link FailureCodes#OVERLOADED} when the
   * batch did not fit in the in-flight budget.
   */
  public record Sending(Future<Void> handedOver, Future<ProduceResult> acknowledged) {}

  RecordSender(
      Vertx vertx, Producer<String, byte[]> producer, KafkaConfig kafka, ProduceSpans spans) {
    this.vertx = vertx;
    this.producer = producer;
    this.maxInFlightBytes = kafka.maxInFlightBytes();
    // a hash set: looked up once per acknowledged record
    this.eventTopics = Set.copyOf(kafka.familyTopics());
    this.spans = spans;
  }

  /** The sender of this Vert.x instance's producer; {@code null} when no producer is deployed here. */
  public static RecordSender inProcess(Vertx vertx) {
    return vertx.sharedData().<String, RecordSender>getLocalMap(LOCAL_MAP).get(SENDER);
  }

  void publish() {
    vertx.sharedData().<String, RecordSender>getLocalMap(LOCAL_MAP).put(SENDER, this);
  }

  void withdraw() {
    vertx.sharedData().<String, RecordSender>getLocalMap(LOCAL_MAP).remove(SENDER, this);
  }

  /** From an event loop: both futures complete on the caller's context. */
  public Sending send(List<ProduceBatch.Record> records) {
    Context caller = vertx.getOrCreateContext();
    return send(records, task -> caller.runOnContext(run -> task.run()));
  }

  /**
   * Both futures complete on the thread that knows first (Kafka's I/O thread for the outcomes): for a caller whose
   * answer finds its own way to its requester, an event-bus reply.
   */
  Sending sendCompletingOnKafkaThread(List<ProduceBatch.Record> records) {
    return send(records, Runnable::run);
  }

  private Sending send(List<ProduceBatch.Record> records, Executor answerOn) {
    if (records.isEmpty()) {
      return new Sending(
          Future.succeededFuture(), Future.succeededFuture(new ProduceResult(List.of())));
    }
    long bytes = records.stream().mapToLong(ProducerRecords::size).sum();
    long refusedWith = reserve(bytes);
    if (refusedWith >= 0) {
      overloaded.increment(records.size());
      Future<ProduceResult> refused = Future.failedFuture(new ReplyException(
          ReplyFailure.RECIPIENT_FAILURE,
          FailureCodes.OVERLOADED,
          "the producer has " + refusedWith + " bytes in flight to Kafka (limit " + maxInFlightBytes
              + ")"));
      return new Sending(refused.mapEmpty(), refused);
    }
    Promise<Void> handedOver = Promise.promise();
    Promise<ProduceResult> acknowledged = Promise.promise();
    ProduceResult.Outcome[] outcomes = new ProduceResult.Outcome[records.size()];
    AtomicInteger pending = new AtomicInteger(records.size());
    Timer.Sample sample = Timer.start();
    Span span = spans.start(records);
    Map<String, byte[]> traceHeaders = spans.headers(span);
    Runnable completeOne = () -> {
      if (pending.decrementAndGet() == 0) {
        sample.stop(produceLatency);
        inFlightBytes.addAndGet(-bytes);
        noteAcknowledgedTopics(outcomes);
        ProduceSpans.end(span, outcomes);
        ProduceResult result = new ProduceResult(Arrays.asList(outcomes));
        answerOn.execute(() -> acknowledged.complete(result));
      }
    };
    if (records.stream().allMatch(record -> metadataCached(record.topic()))) {
      sendAll(records, traceHeaders, outcomes, completeOne);
      handedOver.complete();
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
          .onComplete(sent -> {
            if (sent.failed()) {
              // the task never ran (Vert.x closing): nothing was handed over, so every record is
              // refused
              refuseAll(records, outcomes, sent.cause(), completeOne);
            }
            answerOn.execute(handedOver::complete);
          });
    }
    return new Sending(handedOver.future(), acknowledged.future());
  }

  /**
   * Counts {@code bytes} in flight if they fit; a batch larger than the whole budget still goes through alone, so
   * that it cannot be refused forever.
   *
   * @return -1 when counted, else the bytes in flight that left no room
   */
  private long reserve(long bytes) {
    while (true) {
      long current = inFlightBytes.get();
      if (current > 0 && current + bytes > maxInFlightBytes) {
        return current;
      }
      if (inFlightBytes.compareAndSet(current, current + bytes)) {
        return -1;
      }
    }
  }

  /**
   * A topic acknowledged lately has its metadata in the producer's cache (kept {@code metadata.max.idle.ms}, 5 min
   * by default), so {@code send} returns at once: the in-flight budget keeps the buffer from filling up.
   */
  private boolean metadataCached(String topic) {
    Long acknowledgedAt = lastAcknowledged.get(topic);
    return acknowledgedAt != null
        && System.currentTimeMillis() - acknowledgedAt < METADATA_CACHED_MS;
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

  private void refuseAll(
      List<ProduceBatch.Record> records,
      ProduceResult.Outcome[] outcomes,
      Throwable error,
      Runnable completeOne) {
    for (int i = 0; i < outcomes.length; i++) {
      outcomes[i] = outcome(records.get(i).topic(), null, error);
      completeOne.run();
    }
  }

  private void sendAll(
      List<ProduceBatch.Record> records,
      Map<String, byte[]> traceHeaders,
      ProduceResult.Outcome[] outcomes,
      Runnable completeOne) {
    Throwable refused = null;
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
      } catch (RuntimeException | Error error) {
        // every record must be answered: one Kafka never took gets its refusal here
        refused = error;
        outcomes[index] = outcome(record.topic(), null, error);
        completeOne.run();
      }
    }
  }

  private ProduceResult.Outcome outcome(String topic, RecordMetadata metadata, Throwable error) {
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

  /** Flushes what is buffered, so records already handed over are not dropped at shutdown. Blocks. */
  void close() {
    producer.close();
  }
}
