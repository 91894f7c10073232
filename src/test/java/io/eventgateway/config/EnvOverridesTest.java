package io.eventgateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("GATEWAY_* environment variables override configuration")
class EnvOverridesTest {

  private static JsonObject config() {
    return new JsonObject()
        .put("http", new JsonObject().put("port", 8080).put("maxBodyBytes", 100))
        .put(
            "kafka",
            new JsonObject()
                .put("bootstrap.servers", "a:9092")
                .put("producer", new JsonObject().put("linger.ms", "5")))
        .put("alerts", new JsonObject().put("rules", new JsonArray()));
  }

  @Test
  @DisplayName("maps nested, dotted and camelCase keys, keeping the value's type")
  void mapsKeys() {
    JsonObject config = config();
    EnvOverrides.apply(
        config,
        Map.of(
            "GATEWAY_HTTP_PORT", "9999",
            "GATEWAY_HTTP_MAX_BODY_BYTES", "42",
            "GATEWAY_KAFKA_BOOTSTRAP_SERVERS", "b:9092",
            "GATEWAY_KAFKA_PRODUCER_LINGER_MS", "20",
            "GATEWAY_ALERTS_RULES", "[{\"name\":\"r\"}]"));
    assertThat(config.getJsonObject("http").getValue("port")).isEqualTo(9999);
    assertThat(config.getJsonObject("http").getValue("maxBodyBytes")).isEqualTo(42);
    assertThat(config.getJsonObject("kafka").getString("bootstrap.servers")).isEqualTo("b:9092");
    assertThat(config.getJsonObject("kafka").getJsonObject("producer").getString("linger.ms"))
        .isEqualTo("20");
    assertThat(config.getJsonObject("alerts").getJsonArray("rules"))
        .isEqualTo(new JsonArray().add(new JsonObject().put("name", "r")));
  }

  @Test
  @DisplayName(
      "booleans parse strictly: anything but true or false stops the start, naming the variable")
  void strictBooleans() {
    JsonObject config = config().put("auth", new JsonObject().put("enabled", true));
    EnvOverrides.apply(config, Map.of("GATEWAY_AUTH_ENABLED", " FALSE "));
    assertThat(config.getJsonObject("auth").getBoolean("enabled")).isFalse();
    for (String sloppy : List.of("ture", "yes", "0", "")) {
      JsonObject fresh = config().put("auth", new JsonObject().put("enabled", true));
      assertThatThrownBy(() -> EnvOverrides.apply(fresh, Map.of("GATEWAY_AUTH_ENABLED", sloppy)))
          .as(sloppy)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("GATEWAY_AUTH_ENABLED")
          .hasMessageContaining("true or false");
    }
  }

  @Test
  @DisplayName("ignores variables that match no key and other environment")
  void ignoresUnknown() {
    JsonObject config = config();
    assertThat(EnvOverrides.apply(config, Map.of("GATEWAY_HTTP_PROT", "1", "HTTP_PORT", "2")))
        .containsExactly("GATEWAY_HTTP_PROT");
    assertThat(config).isEqualTo(config());
  }

  @Test
  @DisplayName(
      "the loader applies the file, the environment overlay and DATABASE_URL, environment last")
  void loaderOrder() {
    JsonObject config = ConfigLoader.load(
        "test",
        Map.of("GATEWAY_KAFKA_TOPIC_PARTITIONS", "9", "DATABASE_URL", "postgresql://u@h:1/d"));
    assertThat(config.getJsonObject("http").getInteger("port")).isZero();
    assertThat(config.getJsonObject("kafka").getInteger("topicPartitions")).isEqualTo(9);
    assertThat(config.getJsonObject("postgres").getString("url")).isEqualTo("postgresql://u@h:1/d");
  }

  @Test
  @DisplayName("every variable the configuration page (docs/configuration.md) names sets a key")
  void documentedVariablesSetKeys() throws Exception {
    List<String> variables =
        documentedVariables().stream().filter(name -> !name.endsWith("_")).toList();
    assertThat(variables)
        .hasSizeGreaterThan(60)
        .allSatisfy(variable -> assertThat(setsAKey(variable)).as(variable).isTrue());
  }

  /**
   * The variables in the table of docs/configuration.md; a pass-through prefix such as {@code GATEWAY_KAFKA_PRODUCER_*}
   * as {@code GATEWAY_KAFKA_PRODUCER_}.
   */
  private static List<String> documentedVariables() throws IOException {
    String page = Files.readString(Path.of("docs/configuration.md"));
    String table =
        page.substring(page.indexOf("| key | default | environment variable | meaning |"));
    Matcher variables = Pattern.compile("`(GATEWAY_[A-Z0-9_]+)\\*?`")
        .matcher(table.substring(0, table.indexOf("\n\n")));
    List<String> documented = new ArrayList<>();
    while (variables.find()) {
      documented.add(variables.group(1));
    }
    return documented;
  }

  /** Whether the variable sets a key of the dev configuration, given a value of that key's type. */
  private static boolean setsAKey(String variable) {
    for (String value : new String[] {"1", "true", "[]", "x"}) {
      try {
        if (EnvOverrides.apply(ConfigLoader.load("dev", Map.of()), Map.of(variable, value))
            .isEmpty()) {
          return true;
        }
      } catch (RuntimeException otherType) {
        // the key holds another type: try the next value
      }
    }
    return false;
  }

  @Test
  @DisplayName("the configuration page names every key of the configuration")
  void pageCoversEveryKey() throws Exception {
    List<String> missing = new ArrayList<>();
    leaves(ConfigLoader.load("dev", Map.of()), "GATEWAY", missing, documentedVariables());
    assertThat(missing)
        .as("keys without a row (variable named as the key's path)")
        .isEmpty();
  }

  /** Collects the variables of the leaf keys that no documented variable (or documented prefix, ending in _) covers. */
  private static void leaves(
      JsonObject node, String prefix, List<String> missing, List<String> documented) {
    node.forEach(entry -> {
      String variable = prefix + "_"
          + entry
              .getKey()
              .replaceAll("([a-z0-9])([A-Z])", "$1_$2")
              .replaceAll("[.-]", "_")
              .toUpperCase(Locale.ROOT);
      boolean covered = documented.stream()
          .anyMatch(
              name -> name.equals(variable) || (name.endsWith("_") && variable.startsWith(name)));
      if (covered) {
        return;
      }
      if (entry.getValue() instanceof JsonObject child) {
        leaves(child, variable, missing, documented);
      } else {
        missing.add(variable);
      }
    });
  }
}
