package io.eventgateway.bus;

import java.util.List;

/**
 * A batch of serialized events for {@link Addresses#EVENTS_PRODUCE}: one bus message for the whole batch.
 *
 * @param outcomesAddress {@code null}: the reply carries Kafka's outcomes; else the reply comes as soon as the batch
 *     is handed to the producer (within its budget), empty, and the outcomes are sent to this address
 */
public record ProduceBatch(List<Record> records, String outcomesAddress) {

  public ProduceBatch {
    records = List.copyOf(records);
  }

  /** Answered once Kafka acknowledged or refused every record. */
  public ProduceBatch(List<Record> records) {
    this(records, null);
  }

  /**
   * One Kafka record to produce.
   *
   * @param headers CloudEvents Kafka-binding headers ({@code ce_*}), values as UTF-8
   * @param value Confluent wire format: magic byte, schema id, Avro binary
   * @param timestamp the gateway's receive time, epoch millis, used as the record timestamp
   */
  public record Record(
      String topic,
      String key,
      java.util.Map<String, String> headers,
      byte[] value,
      long timestamp) {}
}
