package io.eventgateway.config;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The {@code kafka} section, typed: the cluster, the topics the gateway creates, the producer's in-flight budget,
 * and the client properties that pass through verbatim to every client ({@code common}) or to producers and
 * consumers (docs/configuration.md). Parsed from the section {@link ConfigValidation} has already checked.
 *
 * @param topics family → topic
 */
public record KafkaConfig(
    String bootstrapServers,
    int topicPartitions,
    short topicReplicationFactor,
    long maxInFlightBytes,
    Map<String, String> common,
    Map<String, String> topics,
    Map<String, String> producer,
    Map<String, String> consumer) {

  public KafkaConfig {
    common = Map.copyOf(common);
    topics = Map.copyOf(topics);
    producer = Map.copyOf(producer);
    consumer = Map.copyOf(consumer);
  }

  public static KafkaConfig of(JsonObject kafka) {
    return new KafkaConfig(
        kafka.getString("bootstrap.servers"),
        kafka.getInteger("topicPartitions"),
        kafka.getInteger("topicReplicationFactor").shortValue(),
        kafka.getLong("maxInFlightBytes"),
        strings(kafka.getJsonObject("common", new JsonObject())),
        strings(kafka.getJsonObject("topics")),
        strings(kafka.getJsonObject("producer")),
        strings(kafka.getJsonObject("consumer")));
  }

  /** Every family's topic. */
  public Set<String> familyTopics() {
    return new TreeSet<>(topics.values());
  }

  /** The processing consumer group; the other groups are named after it. */
  public String groupId() {
    return consumer.get("group.id");
  }

  /** Client properties are written as strings, whatever JSON type the file gave them; empty values are kept. */
  private static Map<String, String> strings(JsonObject section) {
    Map<String, String> values = new TreeMap<>();
    section.forEach(entry -> values.put(
        entry.getKey(), entry.getValue() == null ? "" : String.valueOf(entry.getValue())));
    return values;
  }

  /** Passwords and JAAS settings live in {@code common}: never printed. */
  @Override
  public String toString() {
    return "KafkaConfig[bootstrapServers=" + bootstrapServers + ", topics=" + topics + "]";
  }
}
