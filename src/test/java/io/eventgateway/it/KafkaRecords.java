package io.eventgateway.it;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads the test broker with a plain Kafka consumer, as any downstream consumer would. */
final class KafkaRecords {

  private KafkaRecords() {}

  static ConsumerRecord<String, byte[]> read(String topic, int partition, long offset) {
    try (KafkaConsumer<String, byte[]> consumer = consumer()) {
      TopicPartition tp = new TopicPartition(topic, partition);
      consumer.assign(List.of(tp));
      consumer.seek(tp, offset);
      long deadline = System.currentTimeMillis() + 30_000;
      while (System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          if (record.offset() == offset) {
            return record;
          }
        }
      }
      throw new AssertionError("no record at " + topic + "-" + partition + "@" + offset);
    }
  }

  /** The sum of the end offsets of every partition of {@code topics}: grows with every record produced. */
  static long endOffsets(Set<String> topics) {
    try (KafkaConsumer<String, byte[]> consumer = consumer()) {
      Set<TopicPartition> partitions = topics.stream()
          .flatMap(topic -> consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream())
          .map(info -> new TopicPartition(info.topic(), info.partition()))
          .collect(Collectors.toSet());
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(10));
      return ends.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private static KafkaConsumer<String, byte[]> consumer() {
    Properties properties = new Properties();
    properties.put("bootstrap.servers", TestInfra.get().kafkaBootstrap());
    properties.put("enable.auto.commit", "false");
    return new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer());
  }
}
