package io.eventgateway.kafka;

import io.vertx.core.json.JsonObject;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the {@code kafka} configuration section: client settings pass through verbatim from
 * {@code kafka.producer.*} and {@code kafka.consumer.*}, with {@code bootstrap.servers} and {@code kafka.common.*}
 * (security: {@code security.protocol}, SASL, TLS; empty values left out) given to every client the gateway
 * creates, admin clients included.
 */
public final class KafkaSettings {

  private KafkaSettings() {}

  public static Properties producer(JsonObject kafka) {
    return clientProperties(kafka, "producer");
  }

  public static Properties consumer(JsonObject kafka) {
    return clientProperties(kafka, "consumer");
  }

  public static Properties admin(JsonObject kafka) {
    Properties properties = common(kafka);
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
    Properties properties = common(kafka);
    kafka
        .getJsonObject(section)
        .forEach(entry -> properties.put(entry.getKey(), String.valueOf(entry.getValue())));
    return properties;
  }

  /** What every client gets: where the cluster is and how to reach it securely. */
  private static Properties common(JsonObject kafka) {
    Properties properties = new Properties();
    kafka.getJsonObject("common", new JsonObject()).forEach(entry -> {
      if (entry.getValue() != null && !String.valueOf(entry.getValue()).isEmpty()) {
        properties.put(entry.getKey(), String.valueOf(entry.getValue()));
      }
    });
    properties.put("bootstrap.servers", kafka.getString("bootstrap.servers"));
    return properties;
  }
}
