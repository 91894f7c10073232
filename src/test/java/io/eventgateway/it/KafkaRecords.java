package io.eventgateway.it;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Reads the test broker with a plain Kafka consumer, as any downstream consumer would, and writes to it with a plain
 * producer, as a foreign producer (or a replay of an old record) would, past the gateway's checks.
 */
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

  /** Produces {@code record} and waits for the broker's acknowledgement. */
  static void produce(ProducerRecord<String, byte[]> record) throws Exception {
    Properties properties = new Properties();
    properties.put("bootstrap.servers", TestInfra.get().kafkaBootstrap());
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer())) {
      producer.send(record).get();
    }
  }

  private static KafkaConsumer<String, byte[]> consumer() {
    Properties properties = new Properties();
    properties.put("bootstrap.servers", TestInfra.get().kafkaBootstrap());
    properties.put("enable.auto.commit", "false");
    return new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer());
  }
}
