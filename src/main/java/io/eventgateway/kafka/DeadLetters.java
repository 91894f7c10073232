package io.eventgateway.kafka;

import io.eventgateway.bus.DeadLetterBatch;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The dead letters of a batch's failures: each failed record as it was read, with where and why it failed. */
final class DeadLetters {

  private DeadLetters() {}

  static List<DeadLetterBatch.Letter> of(
      List<KafkaConsumerRecord<String, byte[]>> batch, List<ProcessingFailure> failures) {
    Map<TopicPartition, Map<Long, KafkaConsumerRecord<String, byte[]>>> byPosition =
        new HashMap<>();
    for (KafkaConsumerRecord<String, byte[]> record : batch) {
      byPosition
          .computeIfAbsent(
              new TopicPartition(record.topic(), record.partition()), partition -> new HashMap<>())
          .put(record.offset(), record);
    }
    List<DeadLetterBatch.Letter> letters = new ArrayList<>(failures.size());
    for (ProcessingFailure failure : failures) {
      KafkaConsumerRecord<String, byte[]> record = byPosition
          .get(new TopicPartition(failure.topic(), failure.partition()))
          .get(failure.offset());
      letters.add(new DeadLetterBatch.Letter(
          record.topic(),
          record.partition(),
          record.offset(),
          record.timestamp(),
          record.key(),
          record.value(),
          List.of(record.record().headers().toArray()),
          failure.stage(),
          failure.error(),
          failure.attempts(),
          failure.firstFailureAt(),
          failure.lastFailureAt()));
    }
    return letters;
  }
}
