package io.eventgateway.kafka;

import io.eventgateway.bus.ProduceBatch;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;

/** A bus record as a Kafka producer record, its size against the in-flight budget, and what a send's return says. */
final class ProducerRecords {

  private ProducerRecords() {}

  /**
   * A send that failed before returning waited max.block.ms for metadata: Kafka is unreachable, and every
   * further record of the batch would block as long again, so the rest of the batch fails at once.
   */
  static Exception metadataTimeout(java.util.concurrent.Future<RecordMetadata> sent) {
    if (!sent.isDone()) {
      return null;
    }
    try {
      sent.get();
      return null;
    } catch (ExecutionException e) {
      return e.getCause() instanceof TimeoutException timeout ? timeout : null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e;
    }
  }

  static long size(ProduceBatch.Record record) {
    long size = record.value().length + (record.key() == null ? 0 : record.key().length());
    for (var header : record.headers().entrySet()) {
      size += header.getKey().length() + header.getValue().length();
    }
    return size;
  }

  static ProducerRecord<String, byte[]> of(
      ProduceBatch.Record record, Map<String, byte[]> traceHeaders) {
    ProducerRecord<String, byte[]> producerRecord = new ProducerRecord<>(
        record.topic(), null, record.timestamp(), record.key(), record.value());
    record
        .headers()
        .forEach((name, value) ->
            producerRecord.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
    traceHeaders.forEach((name, value) -> producerRecord.headers().add(name, value));
    return producerRecord;
  }
}
