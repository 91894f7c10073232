package io.eventgateway.kafka;

import io.eventgateway.config.KafkaConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import java.util.Properties;
import java.util.function.BiConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows a topic of text records from its end, in a consumer group of its own, without committing: for live
 * feeds, where a record missed while no one watched is not owed to anyone. Each record's value goes to the handler
 * with the last value of one of its headers.
 */
public final class TopicFollower {

  private final KafkaConsumer<String, String> consumer;

  public TopicFollower(Vertx vertx, KafkaConfig kafka, String group) {
    consumer = KafkaConsumer.create(
        vertx, fromLatest(kafka, group), new StringDeserializer(), new StringDeserializer());
  }

  /** Consumer settings of a group that starts at the end of its topics. */
  public static Properties fromLatest(KafkaConfig kafka, String group) {
    Properties settings = KafkaSettings.consumer(kafka);
    settings.put("group.id", group);
    settings.put("auto.offset.reset", "latest");
    return settings;
  }

  /** @param handler takes the record's value and its {@code header}'s last value ({@code ""} without one) */
  public Future<Void> follow(String topic, String header, BiConsumer<String, String> handler) {
    consumer.handler(record -> handler.accept(record.value(), lastHeader(record, header)));
    return consumer.subscribe(topic);
  }

  private static String lastHeader(KafkaConsumerRecord<String, String> record, String name) {
    return record.headers().stream()
        .filter(header -> name.equals(header.key()))
        .map(header -> header.value().toString())
        .reduce((first, last) -> last)
        .orElse("");
  }

  public Future<Void> close() {
    return consumer.close();
  }
}
