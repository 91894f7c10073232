package io.eventgateway.kafka;

import io.vertx.core.json.JsonObject;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the {@code kafka} configuration section: client settings pass through verbatim from
 * {@code kafka.producer.*} and {@code kafka.consumer.*}, with {@code bootstrap.servers} shared.
 */
public final class KafkaSettings {

  private KafkaSettings() {
  }

  public static Properties producer(JsonObject kafka) {
    return clientProperties(kafka, "producer");
  }

  public static Properties consumer(JsonObject kafka) {
    return clientProperties(kafka, "consumer");
  }

  public static Properties admin(JsonObject kafka) {
    Properties properties = new Properties();
    properties.put("bootstrap.servers", kafka.getString("bootstrap.servers"));
    properties.put("request.timeout.ms", "10000");
    properties.put("default.api.timeout.ms", "15000");
    return properties;
  }

  /** Every family topic. */
  public static Set<String> topics(JsonObject kafka) {
    Set<String> topics = new TreeSet<>();
    kafka.getJsonObject("topics").forEach(entry -> topics.add((String) entry.getValue()));
    return topics;
  }

  private static Properties clientProperties(JsonObject kafka, String section) {
    Properties properties = new Properties();
    kafka.getJsonObject(section).forEach(entry -> properties.put(entry.getKey(), String.valueOf(entry.getValue())));
    properties.put("bootstrap.servers", kafka.getString("bootstrap.servers"));
    return properties;
  }
}
