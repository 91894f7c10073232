package io.eventgateway.kafka;

import io.eventgateway.bus.DeadLetterBatch;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * The shape of a dead letter in Kafka: the original record (key, value and headers, byte for byte) plus
 * {@code dlq_*} headers saying where it came from and why processing gave up on it.
 */
final class DeadLetterRecords {

  private static final String STAGE = "dlq_stage";
  private static final String ERROR = "dlq_error";
  private static final String ATTEMPTS = "dlq_attempts";
  private static final String FIRST_FAILURE = "dlq_first_failure_at";
  private static final String LAST_FAILURE = "dlq_last_failure_at";
  private static final String TOPIC = "dlq_topic";
  private static final String PARTITION = "dlq_partition";
  private static final String OFFSET = "dlq_offset";
  private static final String PREFIX = "dlq_";

  private DeadLetterRecords() {}

  /** The dead letter of {@code letter}, for {@code deadLetterTopic}. */
  static ProducerRecord<String, byte[]> toRecord(
      DeadLetterBatch.Letter letter, String deadLetterTopic) {
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(deadLetterTopic, 0, letter.timestamp(), letter.key(), letter.value());
    letter.headers().forEach(header -> record.headers().add(header));
    add(record, STAGE, letter.stage());
    add(record, ERROR, letter.error());
    add(record, ATTEMPTS, String.valueOf(letter.attempts()));
    add(record, FIRST_FAILURE, letter.firstFailureAt().toString());
    add(record, LAST_FAILURE, letter.lastFailureAt().toString());
    add(record, TOPIC, letter.topic());
    add(record, PARTITION, String.valueOf(letter.partition()));
    add(record, OFFSET, String.valueOf(letter.offset()));
    return record;
  }

  /** The record as it was before it was dead-lettered, for its own topic. */
  static ProducerRecord<String, byte[]> original(ConsumerRecord<String, byte[]> letter) {
    ProducerRecord<String, byte[]> original = new ProducerRecord<>(
        header(letter, TOPIC), null, letter.timestamp(), letter.key(), letter.value());
    for (Header header : letter.headers()) {
      if (!header.key().startsWith(PREFIX)) {
        original.headers().add(new RecordHeader(header.key(), header.value()));
      }
    }
    return original;
  }

  private static void add(ProducerRecord<String, byte[]> record, String name, String value) {
    record
        .headers()
        .add(name, value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8));
  }

  static JsonObject describe(ConsumerRecord<String, byte[]> record) {
    JsonObject headers = new JsonObject();
    for (Header header : record.headers()) {
      if (!header.key().startsWith(PREFIX)) {
        headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
      }
    }
    return new JsonObject()
        .put("offset", record.offset())
        .put("id", header(record, CloudEventHeaders.ID))
        .put("type", header(record, CloudEventHeaders.TYPE))
        .put("stage", header(record, STAGE))
        .put("error", header(record, ERROR))
        .put("attempts", Integer.valueOf(header(record, ATTEMPTS)))
        .put("firstFailureAt", header(record, FIRST_FAILURE))
        .put("lastFailureAt", header(record, LAST_FAILURE))
        .put(
            "source",
            new JsonObject()
                .put("topic", header(record, TOPIC))
                .put("partition", Integer.valueOf(header(record, PARTITION)))
                .put("offset", Long.valueOf(header(record, OFFSET)))
                .put("timestamp", Instant.ofEpochMilli(record.timestamp()).toString()))
        .put("key", record.key())
        .put("headers", headers)
        .put("value", record.value());
  }

  static String header(ConsumerRecord<String, byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
