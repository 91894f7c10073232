package io.eventgateway.bus;

import java.util.List;

/** A batch of serialized events for {@link Addresses#EVENTS_PRODUCE}: one bus message for the whole batch. */
public record ProduceBatch(List<Record> records) {

  public ProduceBatch {
    records = List.copyOf(records);
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
