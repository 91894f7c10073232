package io.eventgateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Configuration files are checked against the defaults at start")
class ConfigValidationTest {

  private static final JsonObject DEFAULTS = new JsonObject()
      .put(
          "http",
          new JsonObject().put("port", 8080).put("tls", new JsonObject().put("enabled", false)))
      .put("llm", new JsonObject().put("logpTolerance", 1.0))
      .put("kafka", new JsonObject().put("producer", new JsonObject().put("acks", "all")));

  @Test
  @DisplayName("an unknown key is refused, naming the file, the key and its variable")
  void unknownKey() {
    JsonObject file = new JsonObject().put("http", new JsonObject().put("prot", 9000));
    assertThatThrownBy(() -> ConfigValidation.check(file, DEFAULTS, "prod.json"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("configuration prod.json: unknown key http.prot (GATEWAY_HTTP_PROT)");
  }

  @Test
  @DisplayName("a value of another type is refused, saying which type the key takes")
  void wrongType() {
    JsonObject file = new JsonObject()
        .put("http", new JsonObject().put("port", "8080").put("tls", true))
        .put("llm", new JsonObject().put("logpTolerance", "wide"));
    assertThatThrownBy(() -> ConfigValidation.check(file, DEFAULTS, "prod.json"))
        .hasMessageContaining("http.port (GATEWAY_HTTP_PORT) must be an integer, got a string")
        .hasMessageContaining("http.tls must be an object, got true or false")
        .hasMessageContaining("llm.logpTolerance (GATEWAY_LLM_LOGP_TOLERANCE) must be a number");
  }

  @Test
  @DisplayName(
      "Kafka client properties pass through; an integer is a number; the same key set is accepted")
  void accepted() {
    JsonObject file = new JsonObject()
        .put("http", new JsonObject().put("port", 9000L))
        .put("llm", new JsonObject().put("logpTolerance", 2))
        .put("kafka", new JsonObject().put("producer", new JsonObject().put("client.rack", "a")));
    ConfigValidation.check(file, DEFAULTS, "prod.json");
  }

  @Test
  @DisplayName("the typed sections never print a secret")
  void secretsStayOutOfToString() {
    JsonObject config = ConfigLoader.load(
        "prod",
        Map.of(
            "DATABASE_URL", "postgresql://gw:pg-secret@db:5432/gw",
            "GATEWAY_LLM_API_KEY", "sk-llm-secret",
            "GATEWAY_KAFKA_COMMON_SASL_JAAS_CONFIG", "password=\"kafka-secret\";"));
    String printed = PostgresConfig.in(config) + " "
        + LlmConfig.of(config.getJsonObject("llm")) + " "
        + KafkaConfig.of(config.getJsonObject("kafka"));
    assertThat(printed)
        .contains("db:5432")
        .doesNotContain("pg-secret", "sk-llm-secret", "kafka-secret");
  }

  @Test
  @DisplayName(
      "every shipped environment loads, and a typo in a mounted conf/ folder stops the start")
  void shippedFilesAndMountedFolder(@TempDir Path conf) throws Exception {
    for (String env : new String[] {"prod", "dev", "test", "docker"}) {
      JsonObject config = ConfigLoader.load(env, Map.of());
      HttpConfig http = HttpConfig.of(config.getJsonObject("http"));
      assertThat(http.maxBodyBytes()).as(env).isPositive();
      assertThat(http.tls().enabled()).as(env).isFalse();
      KafkaConfig kafka = KafkaConfig.of(config.getJsonObject("kafka"));
      assertThat(kafka.familyTopics()).as(env).hasSize(3);
      assertThat(kafka.groupId()).as(env).isNotBlank();
      assertThat(PostgresConfig.in(config).poolSize()).as(env).isPositive();
      assertThat(LlmConfig.of(config.getJsonObject("llm")).rateLimit().maxInFlight())
          .as(env)
          .isPositive();
      assertThat(ProcessorConfig.of(config.getJsonObject("processor")).maxAttempts())
          .as(env)
          .isPositive();
      assertThat(EnrichmentConfig.of(config.getJsonObject("enrichment")).groupSuffix())
          .as(env)
          .isNotBlank();
    }
    Files.writeString(conf.resolve("prod.json"), "{\"storage\": {\"retentionDay\": 7}}");
    assertThatThrownBy(() -> ConfigLoader.load("prod", Map.of("GATEWAY_CONF_DIR", conf.toString())))
        .hasMessageContaining("prod.json")
        .hasMessageContaining("storage.retentionDay (GATEWAY_STORAGE_RETENTION_DAY)");
  }
}
