package io.eventgateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("GATEWAY_* environment variables override configuration")
class EnvOverridesTest {

  private static JsonObject config() {
    return new JsonObject()
        .put("http", new JsonObject().put("port", 8080).put("maxBodyBytes", 100))
        .put("kafka", new JsonObject().put("bootstrap.servers", "a:9092")
            .put("producer", new JsonObject().put("linger.ms", "5")));
  }

  @Test
  @DisplayName("maps nested, dotted and camelCase keys, keeping the value's type")
  void mapsKeys() {
    JsonObject config = config();
    EnvOverrides.apply(config, Map.of(
        "GATEWAY_HTTP_PORT", "9999",
        "GATEWAY_HTTP_MAX_BODY_BYTES", "42",
        "GATEWAY_KAFKA_BOOTSTRAP_SERVERS", "b:9092",
        "GATEWAY_KAFKA_PRODUCER_LINGER_MS", "20"));
    assertThat(config.getJsonObject("http").getValue("port")).isEqualTo(9999);
    assertThat(config.getJsonObject("http").getValue("maxBodyBytes")).isEqualTo(42);
    assertThat(config.getJsonObject("kafka").getString("bootstrap.servers")).isEqualTo("b:9092");
    assertThat(config.getJsonObject("kafka").getJsonObject("producer").getString("linger.ms")).isEqualTo("20");
  }

  @Test
  @DisplayName("ignores variables that match no key and other environment")
  void ignoresUnknown() {
    JsonObject config = config();
    EnvOverrides.apply(config, Map.of("GATEWAY_HTTP_PROT", "1", "HTTP_PORT", "2"));
    assertThat(config).isEqualTo(config());
  }

  @Test
  @DisplayName("the loader applies the file, the environment overlay and DATABASE_URL, environment last")
  void loaderOrder() {
    JsonObject config = ConfigLoader.load("test", Map.of(
        "GATEWAY_KAFKA_TOPIC_PARTITIONS", "9", "DATABASE_URL", "postgresql://u@h:1/d"));
    assertThat(config.getJsonObject("http").getInteger("port")).isZero();
    assertThat(config.getJsonObject("kafka").getInteger("topicPartitions")).isEqualTo(9);
    assertThat(config.getJsonObject("postgres").getString("url")).isEqualTo("postgresql://u@h:1/d");
  }
}
