package io.eventgateway.kafka;

import io.eventgateway.config.KafkaConfig;
import java.util.Map;
import java.util.Properties;

/**
 * The properties of each kind of client: {@code kafka.producer.*} and {@code kafka.consumer.*} pass through
 * verbatim, with {@code bootstrap.servers} and {@code kafka.common.*} (security: {@code security.protocol}, SASL,
 * TLS; empty values left out) given to every client the gateway creates, admin clients included.
 */
public final class KafkaSettings {

  private KafkaSettings() {}

  public static Properties producer(KafkaConfig kafka) {
    return clientProperties(kafka, kafka.producer());
  }

  public static Properties consumer(KafkaConfig kafka) {
    return clientProperties(kafka, kafka.consumer());
  }

  public static Properties admin(KafkaConfig kafka) {
    Properties properties = common(kafka);
    properties.put("request.timeout.ms", "10000");
    properties.put("default.api.timeout.ms", "15000");
    return properties;
  }

  private static Properties clientProperties(KafkaConfig kafka, Map<String, String> section) {
    Properties properties = common(kafka);
    properties.putAll(section);
    return properties;
  }

  /** What every client gets: where the cluster is and how to reach it securely. */
  private static Properties common(KafkaConfig kafka) {
    Properties properties = new Properties();
    kafka.common().forEach((key, value) -> {
      if (!value.isEmpty()) {
        properties.put(key, value);
      }
    });
    properties.put("bootstrap.servers", kafka.bootstrapServers());
    return properties;
  }
}
