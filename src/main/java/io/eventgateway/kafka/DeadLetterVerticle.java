package io.eventgateway.kafka;

import io.eventgateway.bus.Addresses;
import io.eventgateway.bus.DeadLetterBatch;
import io.eventgateway.bus.EventKey;
import io.eventgateway.bus.FailureCodes;
import io.eventgateway.config.ConfigSections;
import io.eventgateway.config.KafkaConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the dead-letter topics, {@code <family topic>.dlq} (one partition each: dead letters are rare, and one
 * partition gives them one order and simple paging): writes the records processing gave up on, with the original
 * bytes and headers plus {@code dlq_*} headers saying why, lists them, and re-drives them to their topic, where
 * the processor stores each event once however often it is replayed. Listings and replays are one tenant's: the
 * dead letters of records that tenant published.
 *
 * <p>Kafka's clients block, so every call runs on this verticle's ordered worker queue, which also keeps the
 * single reader consumer on one thread at a time.
 */
@ConfigSections("kafka")
public class DeadLetterVerticle extends VerticleBase {

  /** Suffix of a family topic's dead-letter topic. */
  public static final String SUFFIX = ".dlq";

  private static final int MAX_PAGE = 500;

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterVerticle.class);

  private final Counter written = Counter.builder("gateway.dlq.written")
      .description("Records written to a dead-letter topic")
      .register(Metrics.globalRegistry);
  private final Counter replayed = Counter.builder("gateway.dlq.replayed")
      .description("Dead letters re-driven to their topic")
      .register(Metrics.globalRegistry);
  private Set<String> familyTopics;
  private Producer<String, byte[]> producer;
  private DeadLetterReader reader;

  @Override
  public Future<?> start() {
    KafkaConfig kafka = KafkaConfig.of(config().getJsonObject("kafka"));
    familyTopics = kafka.familyTopics();
    return vertx
        .executeBlocking(() -> {
          KafkaTopics.ensure(
              kafka, familyTopics.stream().map(topic -> topic + SUFFIX).toList(), 1);
          producer = new KafkaProducer<>(
              KafkaSettings.producer(kafka), new StringSerializer(), new ByteArraySerializer());
          reader = new DeadLetterReader(kafka);
          return null;
        })
        .compose(ready -> Future.all(
            vertx
                .eventBus()
                .<DeadLetterBatch>consumer(
                    Addresses.DLQ_WRITE,
                    message -> answer(message, () -> write(message.body()))
                        .onSuccess(written -> recordDeadLettered(message.body())))
                .completion(),
            vertx
                .eventBus()
                .<JsonObject>consumer(
                    Addresses.DLQ_LIST, message -> answer(message, () -> list(message.body())))
                .completion(),
            vertx
                .eventBus()
                .<JsonObject>consumer(
                    Addresses.DLQ_REPLAY, message -> answer(message, () -> replay(message.body())))
                .completion()));
  }

  private <T> Future<T> answer(Message<?> message, Callable<T> call) {
    return vertx.executeBlocking(call, true).onSuccess(message::reply).onFailure(error -> {
      if (error instanceof UnknownTopic) {
        message.fail(FailureCodes.NOT_FOUND, error.getMessage());
      } else {
        LOG.warn("Dead-letter request failed: {}", error.toString());
        message.fail(FailureCodes.UNAVAILABLE, error.getMessage());
      }
    });
  }

  /**
   * Each dead letter's status for {@code GET /v1/events/status/…} (a client that accepted it asynchronously asks
   * there); best effort: the dead-letter topic is the record.
   */
  private void recordDeadLettered(DeadLetterBatch batch) {
    JsonArray statuses = new JsonArray();
    for (DeadLetterBatch.Letter letter : batch.letters()) {
      String source = header(letter, CloudEventHeaders.SOURCE);
      String id = header(letter, CloudEventHeaders.ID);
      if (source != null && id != null) {
        String tenant = header(letter, GatewayHeaders.TENANT);
        statuses.add(new JsonObject()
            .put("tenant", tenant == null ? EventKey.DEFAULT_TENANT : tenant)
            .put("source", source)
            .put("id", id)
            .put("status", "dead-lettered")
            .put("topic", letter.topic())
            .put("partition", letter.partition())
            .put("offset", letter.offset())
            .put("reason", letter.stage() + ": " + letter.error()));
      }
    }
    if (!statuses.isEmpty()) {
      vertx
          .eventBus()
          .request(Addresses.STATUS_RECORD, new JsonObject().put("statuses", statuses))
          .onFailure(error -> LOG.debug("Dead-letter statuses not recorded: {}", error.toString()));
    }
  }

  private static String header(DeadLetterBatch.Letter letter, String name) {
    String value = null;
    for (org.apache.kafka.common.header.Header header : letter.headers()) {
      if (header.key().equals(name)) {
        value = new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
      }
    }
    return value;
  }

  private Integer write(DeadLetterBatch batch) throws Exception {
    List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
    for (DeadLetterBatch.Letter letter : batch.letters()) {
      sent.add(producer.send(DeadLetterRecords.toRecord(letter, letter.topic() + SUFFIX)));
      LOG.warn(
          "Dead-lettered {}-{}@{} after {} attempt(s) at stage {}: {}",
          letter.topic(),
          letter.partition(),
          letter.offset(),
          letter.attempts(),
          letter.stage(),
          LoggedErrors.masked(letter.error()));
    }
    for (java.util.concurrent.Future<?> acknowledged : sent) {
      acknowledged.get();
    }
    written.increment(sent.size());
    return sent.size();
  }

  private JsonObject list(JsonObject request) {
    TopicPartition partition = deadLetterPartition(request.getString("topic"));
    int limit = Math.min(request.getInteger("limit", 100), MAX_PAGE);
    long begin = reader.begin(partition);
    long end = reader.end(partition);
    long from = Math.max(request.getLong("offset", begin), begin);
    JsonArray items = new JsonArray();
    long to = Math.min(end, from + limit);
    List<ConsumerRecord<String, byte[]>> page =
        reader.read(partition, from, to, ofTenant(request.getString("tenant")));
    page.forEach(record -> items.add(DeadLetterRecords.describe(record)));
    long next = to;
    return new JsonObject()
        .put("topic", request.getString("topic"))
        .put("deadLetterTopic", partition.topic())
        .put("offset", from)
        .put("limit", limit)
        .put("total", end - begin)
        .put("endOffset", end)
        .put("nextOffset", next < end ? next : null)
        .put("items", items);
  }

  private JsonObject replay(JsonObject request) throws Exception {
    TopicPartition partition = deadLetterPartition(request.getString("topic"));
    Set<Long> offsets = selection(request.getJsonArray("offsets"), Long.class);
    Set<String> ids = selection(request.getJsonArray("ids"), String.class);
    long begin = reader.begin(partition);
    long end = reader.end(partition);
    Predicate<ConsumerRecord<String, byte[]>> tenant = ofTenant(request.getString("tenant"));
    List<ConsumerRecord<String, byte[]>> chosen = reader.read(
        partition,
        begin,
        end,
        record -> tenant.test(record)
            && (offsets == null || offsets.contains(record.offset()))
            && (ids == null
                || ids.contains(DeadLetterRecords.header(record, CloudEventHeaders.ID))));
    List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
    JsonArray replayedIds = new JsonArray();
    for (ConsumerRecord<String, byte[]> letter : chosen) {
      sent.add(producer.send(DeadLetterRecords.original(letter)));
      replayedIds.add(DeadLetterRecords.header(letter, CloudEventHeaders.ID));
    }
    for (java.util.concurrent.Future<?> acknowledged : sent) {
      acknowledged.get();
    }
    replayed.increment(sent.size());
    LOG.info("Replayed {} dead letter(s) of {}", sent.size(), request.getString("topic"));
    return new JsonObject()
        .put("topic", request.getString("topic"))
        .put("replayed", sent.size())
        .put("ids", replayedIds);
  }

  /** Dead letters of records that {@code tenant} published (records without the header predate tenants). */
  private static Predicate<ConsumerRecord<String, byte[]>> ofTenant(String tenant) {
    return record -> {
      String publisher = DeadLetterRecords.header(record, GatewayHeaders.TENANT);
      return tenant.equals(publisher == null ? EventKey.DEFAULT_TENANT : publisher);
    };
  }

  private static <T> Set<T> selection(JsonArray values, Class<T> type) {
    if (values == null) {
      return null;
    }
    Set<T> chosen = new HashSet<>();
    values.forEach(value -> chosen.add(
        type == Long.class ? type.cast(((Number) value).longValue()) : type.cast(value)));
    return chosen;
  }

  private TopicPartition deadLetterPartition(String topic) {
    if (!familyTopics.contains(topic)) {
      throw new UnknownTopic("'" + topic + "' is not an event topic; known: " + familyTopics);
    }
    return new TopicPartition(topic + SUFFIX, 0);
  }

  @Override
  public Future<?> stop() {
    return vertx.executeBlocking(
        () -> {
          if (producer != null) {
            producer.close();
          }
          if (reader != null) {
            reader.close();
          }
          return null;
        },
        true);
  }

  /** The requested topic is not one of the family topics. */
  private static final class UnknownTopic extends IllegalArgumentException {
    UnknownTopic(String message) {
      super(message);
    }
  }
}
