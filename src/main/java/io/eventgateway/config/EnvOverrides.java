package io.eventgateway.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code GATEWAY_*} environment variables to configuration keys that exist in the files.
 *
 * <p>The variable name after {@code GATEWAY_} is matched, case-insensitively, against the key path with every
 * {@code .}, {@code -} and nesting step written as {@code _}: {@code GATEWAY_HTTP_PORT} sets {@code http.port},
 * {@code GATEWAY_KAFKA_BOOTSTRAP_SERVERS} sets {@code kafka."bootstrap.servers"},
 * {@code GATEWAY_KAFKA_PRODUCER_LINGER_MS} sets {@code kafka.producer."linger.ms"}. The value is converted to the
 * type of the value it replaces (booleans only from {@code true} or {@code false}; anything else stops the start, naming
 * the variable). Only existing keys are overridden, so a typo cannot invent configuration.
 */
public final class EnvOverrides {

  private static final Logger LOG = LoggerFactory.getLogger(EnvOverrides.class);
  private static final String PREFIX = "GATEWAY_";
  /** Variables read elsewhere: by the launcher and by logback.xml. */
  private static final Set<String> NOT_CONFIGURATION = Set.of(
      "GATEWAY_CONF_DIR", "GATEWAY_ROLE", "GATEWAY_ENV", "GATEWAY_LOG_FORMAT", "GATEWAY_LOG_LEVEL");

  private EnvOverrides() {}

  /** @return the {@code GATEWAY_*} variables that matched no key (each also logged as a warning) */
  public static List<String> apply(JsonObject config, Map<String, String> environment) {
    List<String> ignored = new ArrayList<>();
    environment.forEach((name, value) -> {
      if (name.startsWith(PREFIX) && !NOT_CONFIGURATION.contains(name)) {
        String wanted = name.substring(PREFIX.length()).toLowerCase(Locale.ROOT);
        boolean matched;
        try {
          matched = override(config, wanted, value);
        } catch (IllegalArgumentException e) {
          throw new ConfigurationException(
              "environment variable " + name + ": " + e.getMessage(), e);
        }
        if (!matched) {
          LOG.warn("Environment variable {} matches no configuration key; ignored", name);
          ignored.add(name);
        }
      }
    });
    return ignored;
  }

  private static boolean override(JsonObject node, String wanted, String value) {
    for (String key : node.fieldNames()) {
      String normalized = normalize(key);
      Object current = node.getValue(key);
      if (normalized.equals(wanted) && !(current instanceof JsonObject)) {
        node.put(key, convert(current, value));
        return true;
      }
      if (current instanceof JsonObject child
          && wanted.startsWith(normalized + "_")
          && override(child, wanted.substring(normalized.length() + 1), value)) {
        return true;
      }
    }
    return false;
  }

  /** The variable that sets the key at {@code path} (dot-separated), e.g. {@code GATEWAY_HTTP_PORT}. */
  static String variableOf(String path) {
    return PREFIX + normalize(path).toUpperCase(Locale.ROOT);
  }

  private static String normalize(String key) {
    String snake = key.replaceAll("([a-z0-9])([A-Z])", "$1_$2");
    return String.join("_", Arrays.asList(snake.toLowerCase(Locale.ROOT).split("[._-]")));
  }

  private static Object convert(Object current, String value) {
    try {
      if (current instanceof Integer) {
        return Integer.valueOf(value.trim());
      }
      if (current instanceof Long) {
        return Long.valueOf(value.trim());
      }
      if (current instanceof Double) {
        return Double.valueOf(value.trim());
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "'" + value + "' is not " + (current instanceof Double ? "a number" : "an integer"), e);
    }
    if (current instanceof Boolean) {
      // strictly: Boolean.valueOf would read "ture" or "yes" as false, silently switching a
      // safeguard off
      return switch (value.trim().toLowerCase(Locale.ROOT)) {
        case "true" -> true;
        case "false" -> false;
        default -> throw new IllegalArgumentException("'" + value + "' is not true or false");
      };
    }
    if (current instanceof JsonArray) {
      // e.g. GATEWAY_ALERTS_RULES='[{"name":…}]'
      return new JsonArray(value);
    }
    return value;
  }
}
