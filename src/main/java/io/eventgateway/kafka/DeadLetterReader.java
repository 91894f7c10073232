package io.eventgateway.kafka;

import io.eventgateway.config.KafkaConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads ranges of a dead-letter partition, outside any consumer group (blocking: call it on a worker). */
final class DeadLetterReader implements AutoCloseable {

  private static final Duration READ_DEADLINE = Duration.ofSeconds(10);

  private final KafkaConsumer<String, byte[]> reader;

  DeadLetterReader(KafkaConfig kafka) {
    Properties settings = KafkaSettings.admin(kafka);
    settings.put("enable.auto.commit", "false");
    reader = new KafkaConsumer<>(settings, new StringDeserializer(), new ByteArrayDeserializer());
  }

  long begin(TopicPartition partition) {
    return reader.beginningOffsets(List.of(partition)).get(partition);
  }

  long end(TopicPartition partition) {
    return reader.endOffsets(List.of(partition)).get(partition);
  }

  /** The records of {@code [from, to)} that {@code wanted} accepts, within a deadline. */
  List<ConsumerRecord<String, byte[]>> read(
      TopicPartition partition,
      long from,
      long to,
      Predicate<ConsumerRecord<String, byte[]>> wanted) {
    List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
    if (from >= to) {
      return found;
    }
    reader.assign(List.of(partition));
    reader.seek(partition, from);
    long position = from;
    Instant deadline = Instant.now().plus(READ_DEADLINE);
    while (position < to && Instant.now().isBefore(deadline)) {
      for (ConsumerRecord<String, byte[]> record : reader.poll(Duration.ofMillis(200))) {
        position = record.offset() + 1;
        if (record.offset() < to && wanted.test(record)) {
          found.add(record);
        }
      }
    }
    if (position < to) {
      throw new IllegalStateException(
          "could not read " + partition + " up to offset " + to + " in time");
    }
    return found;
  }

  @Override
  public void close() {
    reader.close();
  }
}
